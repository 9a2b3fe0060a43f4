// TEMPORARY during integration: moves here from executor/arrow once the executor work lands.
export { takeBatch } from '../../executor/arrow/take.js';
