// code_fields: the team's code fields (starters, tests, reference
// solutions) as CodeMirror editors with highlighting, indentation and
// bracket matching. Each textarea.code-input[data-language] stays in the
// form, kept in step, so the page posts as before; Tab leaves the editor
// as it leaves a text area (Ctrl+] and Ctrl+[ indent). Without JavaScript
// the text areas work alone.
import { EditorView, EditorState, indentUnit, basicSetup, python, javascript, go } from "../vendor/codemirror-6.0.2.js";
import { codeTheme } from "./code_theme.js";

const languages = {
  python: () => [python(), indentUnit.of("    ")],
  javascript: () => [javascript(), indentUnit.of("  ")],
  go: () => [go(), indentUnit.of("\t")],
};

for (const area of document.querySelectorAll("textarea.code-input[data-language]")) {
  const lang = languages[area.dataset.language];
  const div = document.createElement("div");
  div.className = "code-editor code-field";
  area.after(div);
  const label = document.querySelector(`label[for="${area.id}"]`);
  if (label && !label.id) label.id = `${area.id}-label`;
  const view = new EditorView({
    parent: div,
    state: EditorState.create({
      doc: area.value,
      extensions: [
        basicSetup,
        codeTheme,
        lang ? lang() : [],
        EditorView.contentAttributes.of({
          ...(label ? { "aria-labelledby": label.id } : {}),
          ...(area.getAttribute("aria-describedby") ? { "aria-describedby": area.getAttribute("aria-describedby") } : {}),
          autocapitalize: "off",
          autocorrect: "off",
          spellcheck: "false",
        }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) area.value = u.state.doc.toString();
        }),
      ],
    }),
  });
  area.hidden = true;
  area.setAttribute("aria-hidden", "true");
  area.tabIndex = -1;
  label?.addEventListener("click", (e) => { e.preventDefault(); view.focus(); });
}
