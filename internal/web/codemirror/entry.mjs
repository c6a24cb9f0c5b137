// The parts of CodeMirror 6 that anyhour's pages use, bundled into one ES
// module by build.sh. Pages import it from /static/vendor/.
export { EditorView, keymap, lineNumbers } from "@codemirror/view";
export { EditorState, Compartment, Prec } from "@codemirror/state";
export { indentWithTab } from "@codemirror/commands";
export { indentUnit, syntaxHighlighting, HighlightStyle } from "@codemirror/language";
export { tags } from "@lezer/highlight";
export { basicSetup, minimalSetup } from "codemirror";
export { python } from "@codemirror/lang-python";
export { javascript } from "@codemirror/lang-javascript";
export { go } from "@codemirror/lang-go";
