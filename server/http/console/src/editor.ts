import { indentWithTab } from '@codemirror/commands';
import { PostgreSQL, sql, type SQLNamespace } from '@codemirror/lang-sql';
import { Compartment, EditorState, Prec, StateEffect, StateField } from '@codemirror/state';
import { Decoration, EditorView, keymap, placeholder, type DecorationSet } from '@codemirror/view';
import { basicSetup } from 'codemirror';

/**
 * The SQL editor: CodeMirror 6 with PostgreSQL highlighting, completion of table and column
 * names, Ctrl/Cmd-Enter to run, and an error underline at the position the server reports.
 */
export interface SqlEditor {
  readonly view: EditorView;
  text(): string;
  /** Underlines the token at 1-based character `position` (PostgreSQL's unit) with `message` as its tooltip. */
  showError(position: number | undefined, message: string): void;
  clearError(): void;
  /** Table → columns, for completion. */
  setSchema(schema: SQLNamespace): void;
}

const setError = StateEffect.define<{ from: number; to: number; message: string } | null>();

const errorField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(decorations, tr) {
    decorations = decorations.map(tr.changes);
    for (const effect of tr.effects) {
      if (!effect.is(setError)) continue;
      decorations = effect.value === null
        ? Decoration.none
        : Decoration.set([Decoration.mark({ class: 'cm-sql-error', attributes: { title: effect.value.message } }).range(effect.value.from, effect.value.to)]);
    }
    // Typing anywhere clears a stale error mark.
    return tr.docChanged ? Decoration.none : decorations;
  },
  provide: (field) => EditorView.decorations.from(field),
});

const theme = EditorView.theme({
  '&': { fontSize: '14px', height: '100%' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace', lineHeight: '1.55' },
  '.cm-content': { padding: '10px 0' },
  '.cm-gutters': { backgroundColor: '#f8fafc', color: '#94a3b8', border: 'none', borderRight: '1px solid #e2e8f0' },
  '.cm-activeLine': { backgroundColor: '#f1f5f980' },
  '&.cm-focused': { outline: 'none' },
  '.cm-sql-error': { textDecoration: 'underline wavy #dc2626', textDecorationSkipInk: 'none', textUnderlineOffset: '3px', backgroundColor: '#fee2e2' },
});

export function createEditor(parent: HTMLElement, doc: string, onRun: () => void): SqlEditor {
  const language = new Compartment();
  const sqlLanguage = (schema: SQLNamespace) => sql({ dialect: PostgreSQL, upperCaseKeywords: true, schema });
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        basicSetup, // line numbers, history, highlighting, bracket matching, completion, search
        EditorView.lineWrapping,
        placeholder('SELECT … FROM … — Ctrl-Enter runs'),
        language.of(sqlLanguage({})),
        Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => (onRun(), true) }])),
        keymap.of([indentWithTab]),
        errorField,
        theme,
      ],
    }),
  });

  return {
    view,
    text: () => view.state.doc.toString(),
    showError(position, message) {
      const text = view.state.doc.toString();
      if (position === undefined || text.length === 0) return view.dispatch({ effects: setError.of(null) });
      const from = Math.min(offsetOfCharacter(text, position - 1), Math.max(text.length - 1, 0));
      const word = /^[\p{L}\p{N}_$."`]+/u.exec(text.slice(from));
      const to = Math.min(text.length, from + Math.max(word?.[0].length ?? 1, 1));
      view.dispatch({ effects: setError.of({ from, to, message }), selection: { anchor: from }, scrollIntoView: true });
    },
    clearError: () => view.dispatch({ effects: setError.of(null) }),
    setSchema: (schema) => view.dispatch({ effects: language.reconfigure(sqlLanguage(schema)) }),
  };
}

/** UTF-16 offset of the `n`-th (0-based) code point: the server counts characters, the editor code units. */
function offsetOfCharacter(text: string, n: number): number {
  let offset = 0;
  for (let i = 0; i < n && offset < text.length; i++) offset += (text.codePointAt(offset) ?? 0) > 0xffff ? 2 : 1;
  return offset;
}
