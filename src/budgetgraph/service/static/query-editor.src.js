// The query page's editor: CodeMirror 6 with the SPARQL legacy mode, exposed as window.budgetgraphEditor(parent, doc).
import {EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection} from "@codemirror/view";
import {EditorState} from "@codemirror/state";
import {defaultKeymap, history, historyKeymap, indentWithTab} from "@codemirror/commands";
import {StreamLanguage, syntaxHighlighting, defaultHighlightStyle, bracketMatching} from "@codemirror/language";
import {sparql} from "@codemirror/legacy-modes/mode/sparql";

window.budgetgraphEditor = (parent, doc) => new EditorView({
  parent,
  state: EditorState.create({
    doc,
    extensions: [
      lineNumbers(), history(), drawSelection(), highlightActiveLine(), bracketMatching(),
      syntaxHighlighting(defaultHighlightStyle), StreamLanguage.define(sparql),
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
    ],
  }),
});
