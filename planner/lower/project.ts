import { ProjectExec } from '../../executor/operators/project.js';
import type { PhysicalOperator } from '../../executor/operator.js';
import type { Project } from '../logical/project.js';
import { lowerExpr } from './expr.js';

export function lowerProject(node: Project, input: PhysicalOperator): ProjectExec {
  return new ProjectExec(input, node.exprs.map(lowerExpr), node.schema);
}
