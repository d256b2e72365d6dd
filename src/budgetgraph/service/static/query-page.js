// The query page: puts the editor in place of the plain textarea, loads the chosen example, runs the query with a
// POST to /sparql and shows a SELECT's solutions (or an ASK's answer, or a CONSTRUCT's Turtle) below the form.
// Result text is always set as textContent; only http(s) IRIs become links.
"use strict";

(() => {
  const form = document.getElementById("query-form");
  const textarea = document.getElementById("query");
  const picker = document.getElementById("example");
  const description = document.getElementById("description");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const examples = JSON.parse(document.getElementById("examples").textContent);
  const editorHost = document.getElementById("editor");

  let editor = null;
  if (window.budgetgraphEditor) {
    editor = window.budgetgraphEditor(editorHost, textarea.value);
    editorHost.hidden = false;
    textarea.hidden = true;
  }
  const getQuery = () => (editor ? editor.state.doc.toString() : textarea.value);
  const setQuery = (text) => {
    textarea.value = text;
    if (editor) editor.dispatch({changes: {from: 0, to: editor.state.doc.length, insert: text}});
  };

  picker.addEventListener("change", () => {
    const example = examples.find((e) => e.name === picker.value);
    if (example) {
      setQuery(example.query);
      description.textContent = example.description;
    }
  });

  // Resources this service describes link to their page here; other http(s) IRIs to themselves.
  const pageOf = (iri) => {
    if (iri.startsWith(form.dataset.instances)) return "/page/" + iri.slice(form.dataset.instances.length);
    if (iri.startsWith(form.dataset.codes)) return "/page/code/" + iri.slice(form.dataset.codes.length);
    return /^https?:\/\//.test(iri) ? iri : null;
  };

  const cell = (term) => {
    const td = document.createElement("td");
    if (!term) return td;
    const href = term.type === "uri" ? pageOf(term.value) : null;
    if (href) {
      const a = document.createElement("a");
      a.href = href;
      a.textContent = term.value;
      td.appendChild(a);
    } else {
      td.textContent = term.value;
    }
    return td;
  };

  const showSolutions = (json) => {
    const table = document.createElement("table");
    table.id = "results-table";
    const head = table.insertRow();
    for (const name of json.head.vars) {
      const th = document.createElement("th");
      th.textContent = name;
      head.appendChild(th);
    }
    for (const binding of json.results.bindings) {
      const row = table.insertRow();
      for (const name of json.head.vars) row.appendChild(cell(binding[name]));
    }
    results.replaceChildren(table);
    status.textContent = json.results.bindings.length + " results";
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.className = "";
    status.textContent = "running…";
    results.replaceChildren();
    try {
      const response = await fetch("/sparql", {
        method: "POST",
        headers: {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
        body: new URLSearchParams({query: getQuery()}),
      });
      const type = response.headers.get("content-type") || "";
      if (!response.ok) throw new Error(await response.text());
      if (type.startsWith("application/sparql-results+json")) {
        const json = await response.json();
        if ("boolean" in json) {
          status.textContent = "answer: " + json.boolean;
        } else {
          showSolutions(json);
        }
      } else {
        const pre = document.createElement("pre");
        pre.textContent = await response.text();
        results.replaceChildren(pre);
        status.textContent = "";
      }
    } catch (error) {
      status.className = "error";
      status.textContent = error.message;
    }
  });
})();
