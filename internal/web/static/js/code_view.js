// code_view: syntax highlighting for code shown read-only (a reviewer's
// view of an answer, a submitted answer, the visible tests). Each
// <pre><code data-language="…"> becomes a read-only CodeMirror view with
// line numbers; lines wrap, so nothing needs scrolling sideways on a
// phone. Without JavaScript the plain <pre> stays.
import { EditorView, EditorState, lineNumbers, python, javascript, go } from "../vendor/codemirror-6.0.2.js";
import { codeTheme } from "./code_theme.js";

const languages = { python, javascript, go };

for (const code of document.querySelectorAll("pre > code[data-language]")) {
  const lang = languages[code.dataset.language];
  const pre = code.parentElement;
  const div = document.createElement("div");
  div.className = "code-view";
  // Long code scrolls inside its box; keyboard users can focus it to scroll.
  div.tabIndex = 0;
  div.setAttribute("role", "region");
  div.setAttribute("aria-label", pre.getAttribute("aria-label") || "Code");
  pre.replaceWith(div);
  new EditorView({
    parent: div,
    state: EditorState.create({
      doc: code.textContent,
      extensions: [
        lineNumbers(),
        codeTheme,
        lang ? lang() : [],
        EditorState.readOnly.of(true),
        EditorView.editable.of(false),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ "aria-label": pre.getAttribute("aria-label") || "Code" }),
      ],
    }),
  });
}
