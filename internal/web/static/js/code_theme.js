// code_theme: how anyhour's code looks in CodeMirror, for the editor and
// the read-only views alike. Every colour keeps at least 4.5:1 contrast on
// the white background and on the faint line highlight (WCAG 2.1 AA).
import { EditorView, HighlightStyle, syntaxHighlighting, tags as t } from "../vendor/codemirror-6.0.2.js";

const look = EditorView.theme({
  "&": { backgroundColor: "#fff", color: "#1f2328", fontSize: "0.875rem" },
  ".cm-scroller": { fontFamily: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace', lineHeight: "1.5" },
  ".cm-gutters": { backgroundColor: "#f6f8fa", color: "#57606a", borderRight: "1px solid #d0d7de" },
  ".cm-activeLine": { backgroundColor: "#f6faff" },
  ".cm-activeLineGutter": { backgroundColor: "#eaeef2", color: "#1f2328" },
  "&.cm-focused": { outline: "3px solid #1f6feb", outlineOffset: "1px" },
  ".cm-content": { caretColor: "#1f2328" },
});

const colours = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.moduleKeyword, t.operatorKeyword, t.definitionKeyword, t.modifier], color: "#8250df" },
  { tag: [t.string, t.special(t.string), t.character], color: "#0a3069" },
  { tag: [t.regexp, t.escape], color: "#953800" },
  { tag: [t.number, t.bool, t.null, t.atom], color: "#0550ae" },
  { tag: [t.comment, t.lineComment, t.blockComment, t.docComment], color: "#57606a", fontStyle: "italic" },
  { tag: [t.function(t.variableName), t.function(t.propertyName), t.definition(t.function(t.variableName))], color: "#6639ba" },
  { tag: [t.typeName, t.className, t.namespace, t.standard(t.variableName)], color: "#953800" },
  { tag: [t.definition(t.variableName), t.definition(t.propertyName)], color: "#1f2328", fontWeight: "600" },
  { tag: [t.propertyName, t.attributeName], color: "#0550ae" },
  { tag: [t.operator, t.punctuation, t.bracket], color: "#1f2328" },
  { tag: [t.meta, t.annotation], color: "#57606a" },
  { tag: t.invalid, color: "#cf222e", textDecoration: "underline wavy" },
]);

// The page's Content-Security-Policy admits only style elements that
// carry this nonce; CodeMirror puts its styles in one.
const nonce = document.querySelector("meta[name=style-nonce]")?.content || "";

export const codeTheme = [EditorView.cspNonce.of(nonce), look, syntaxHighlighting(colours)];
