// stageguide team report: mounts the team page (once per page view, also after Material's
// instant navigation), sends the pasted links, or the chosen file's bytes, to the scoring
// core (request "team" through engine.js) and draws the report it returns. Every figure and
// sentence comes from Python; this file only lays them out, with textContent and DOM APIs.
(() => {
  "use strict";

  const { request: engineRequest, state: engineState } = window.stageguide.engine;
  const { h, say, hashPart, setFragment, followFragment, mountComponent, shareBox, listenShareActions } =
    window.stageguide.ui;
  const { renderChart, renderLegend } = window.stageguide.chart;

  // Drawing a big report in one go blocks the page for up to two seconds (mostly style and
  // layout of thousands of new nodes). The summary comes first; the chart's dots (one
  // dimension per step) and the respondents' rows (a slice per step) follow, each in its
  // own task after a frame, so no single task holds the main thread for long.
  const ROWS_PER_STEP = 100;

  function nextFrame() {
    return new Promise((resolve) => {
      const fallback = setTimeout(resolve, 100); // hidden tabs get no frames
      requestAnimationFrame(() =>
        setTimeout(() => {
          clearTimeout(fallback);
          resolve();
        }, 0),
      );
    });
  }

  const fixed = (value) => (value === null || value === undefined ? "–" : Number(value).toFixed(2));
  const plural = (count, one, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
  const groupKey = (id) => id ?? "";

  function teamCodesFromHash(hash) {
    const codes = hashPart(hash, "t");
    return codes === null ? null : codes.split(",").filter((code) => code.trim());
  }

  // ----------------------------------------------------------------- team
  function mountTeam(root, scope, settings) {
    const { listen } = scope;
    const quiz = settings.quiz;
    const maxFileBytes = settings.limits.file_bytes; // the core refuses more; checked here before reading the file
    const form = root.querySelector("[data-sg-team-form]");
    const textarea = root.querySelector("[data-sg-team-text]");
    const fileInput = root.querySelector("[data-sg-team-file]");
    const drop = root.querySelector("[data-sg-drop]");
    const submitButton = root.querySelector("[data-sg-team-submit]");
    const status = root.querySelector("[data-sg-status]");
    const message = root.querySelector("[data-sg-message]");
    const slot = root.querySelector("[data-sg-team-slot]");
    let shownFragment = null; // the #t=… of the report on screen, to ignore our own hash changes
    let drawing = 0; // counts reports shown, so a newer report (or leaving) stops an older one's steps

    const showMessage = (text) => say(message, text);

    function renderStatus(state, error) {
      if (state === "ready") status.textContent = "Ready. What you paste or choose stays in this browser.";
      else if (state === "failed")
        status.textContent = `The report engine could not start: ${error}. What you pasted is kept in the box below; reload the page to try again.`;
      else status.textContent = "Preparing the report engine… you can paste links now.";
    }

    function showReport(report, afterFirstFrame = () => {}) {
      shownFragment = `t=${report.codes.join(",")}`;
      const url = setFragment(shownFragment);
      const { body, steps } = renderReport(report, url, settings);
      slot.replaceChildren(body);
      slot.hidden = false;
      root.classList.add("sg-has-report");
      steps.unshift(afterFirstFrame); // the same array: steps add further steps to it as they run
      drawSteps(body, steps);
    }

    async function drawSteps(body, steps) {
      const run = ++drawing;
      slot.setAttribute("aria-busy", "true");
      for (const step of steps) {
        await nextFrame();
        if (!scope.active || run !== drawing) return;
        step();
      }
      body.dataset.complete = "true";
      slot.removeAttribute("aria-busy");
    }

    function clearReport() {
      drawing += 1;
      slot.removeAttribute("aria-busy");
      slot.replaceChildren();
      slot.hidden = true;
      root.classList.remove("sg-has-report");
      shownFragment = null;
    }

    // `input` is {text} (pasted) or {file: {name, base64}}: a file travels as its bytes, so the
    // core decodes it with the same rule as the command line and reads spreadsheets whole.
    async function run(input, origin) {
      showMessage("");
      if (input.text !== undefined && !input.text.trim()) {
        showMessage("Paste at least one share link or code, one per line, or choose a CSV or Excel file.");
        textarea.focus();
        return;
      }
      if (engineState() === "failed") {
        showMessage("The report engine is not available, so no report can be made. What you pasted is kept.");
        return;
      }
      submitButton.disabled = true;
      root.setAttribute("aria-busy", "true");
      status.textContent =
        engineState() === "ready"
          ? "Working out the team report…"
          : "The report will appear as soon as the engine is ready…";
      try {
        const report = await engineRequest("team", { quiz: quiz.id, ...input, format: "auto" });
        if (!scope.active) return;
        showReport(report, () => {
          // After the first frame: focusing and scrolling force a layout, which must not
          // land in the same task as building the report.
          slot.focus({ preventScroll: true });
          slot.scrollIntoView({ behavior: "smooth", block: "start" });
        });
        status.textContent = `Team report made from ${origin}.`;
      } catch (error) {
        if (!scope.active) return;
        clearReport();
        setFragment(null);
        showMessage(
          error.kind === "answer"
            ? `No team report: ${error.message}.`
            : `No team report: the report engine is not available (${error.message}). What you pasted is kept.`,
        );
        renderStatus(engineState(), error.message);
        message.focus({ preventScroll: true });
      } finally {
        if (scope.active) {
          submitButton.disabled = false;
          root.removeAttribute("aria-busy");
        }
      }
    }

    async function runFile(file) {
      if (!file) return;
      if (file.size > maxFileBytes) {
        // Checked here too so a huge file is never read into memory; the wording is the core's.
        showMessage(
          `No team report: “${file.name}” is ${describeSize(file.size)}; the limit is ${describeSize(maxFileBytes)}.`,
        );
        return;
      }
      let base64;
      try {
        base64 = await readBase64(file);
      } catch (error) {
        showMessage(`“${file.name}” could not be read (${error.message}).`);
        return;
      }
      if (scope.active) await run({ file: { name: file.name, base64 } }, `the file “${file.name}”`);
    }

    function openFragment() {
      const codes = teamCodesFromHash(location.hash);
      if (!codes) return;
      const fragment = `t=${codes.join(",")}`;
      if (fragment === shownFragment) return;
      textarea.value = codes.join("\n");
      run({ text: textarea.value }, "the team link");
    }

    listen(form, "submit", (event) => {
      event.preventDefault();
      run({ text: textarea.value }, "the pasted links");
    });
    listen(fileInput, "change", () => {
      runFile(fileInput.files[0]);
      fileInput.value = ""; // choosing the same file again reads it again
    });
    listen(drop, "dragover", (event) => {
      if (!event.dataTransfer || !Array.from(event.dataTransfer.types).includes("Files")) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
      drop.classList.add("sg-team__drop--over");
    });
    listen(drop, "dragleave", () => drop.classList.remove("sg-team__drop--over"));
    listen(drop, "drop", (event) => {
      drop.classList.remove("sg-team__drop--over");
      const file = event.dataTransfer?.files[0];
      if (!file) return; // dropped text lands in the box as usual
      event.preventDefault();
      runFile(file);
    });
    listenShareActions(scope, slot);
    followFragment(scope, (hash) => teamCodesFromHash(hash) !== null, openFragment);
    return { renderStatus, opened: openFragment };
  }

  // The file's bytes as base64 (JSON carries text only); FileReader does it natively.
  function readBase64(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).slice(String(reader.result).indexOf(",") + 1));
      reader.onerror = () => reject(reader.error || new Error("the browser refused to read it"));
      reader.readAsDataURL(file);
    });
  }

  // The same wording as the core's limits.describe_size, for the one check made before reading.
  function describeSize(count) {
    const mb = 1024 * 1024;
    if (count < 1024) return `${count} byte${count === 1 ? "" : "s"}`;
    const [unit, name] = count >= mb ? [mb, "MB"] : [1024, "KB"];
    const whole = Math.floor(count / unit);
    const rest = count - whole * unit;
    if (rest === 0) return `${whole} ${name}`;
    const rounded = String(Number((count / unit).toFixed(2)));
    if (Number(rounded) * unit === count) return `${rounded} ${name}`;
    return rounded !== String(whole)
      ? `${count.toLocaleString("en-GB")} bytes (${rounded} ${name})`
      : `${whole} ${name} and ${rest.toLocaleString("en-GB")} byte${rest === 1 ? "" : "s"}`;
  }

  // --------------------------------------------------------------- report
  function table(caption, heads, rows, attributes = {}) {
    return h(
      "div",
      { class: "sg-table-wrap" },
      h(
        "table",
        { class: "sg-team-table", ...attributes },
        h("caption", {}, caption),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            heads.map((head) => h("th", { scope: "col" }, head)),
          ),
        ),
        h("tbody", {}, rows),
      ),
    );
  }

  // A heading, then the table `makeTable()` draws, or the note why there is none.
  function tableOrNote(heading, note, makeTable) {
    return [h("h3", {}, heading), note ? h("p", { class: "sg-help" }, note) : makeTable()];
  }

  function statementRow(statement, ...cells) {
    return h(
      "tr",
      { "data-statement": statement.id },
      h("th", { scope: "row" }, `${statement.number}. ${statement.text}`),
      cells,
    );
  }

  function gapText(gap) {
    if (!gap) return "–";
    return gap.points ? `${fixed(gap.points)} (${gap.high.title} higher)` : "0.00";
  }

  // The first finding: each function's mean total and its stage side by side, and how
  // many of its people fall in each stage.
  function renderHeadline(report) {
    const rows = report.headline.groups;
    const unplaced = rows.some((row) => row.unplaced);
    return [
      h("h3", {}, "Headline"),
      h("p", { class: "sg-team__headline", "data-team-headline": "", "data-kind": "headline" }, report.headline.text),
      table(
        "Each group's mean total, the stage it falls in, and how many of its people are in each stage",
        ["Group", "Mean total", "Stage", ...report.stages.map((s) => s.title), ...(unplaced ? ["No stage"] : [])],
        rows.map((row) =>
          h(
            "tr",
            {
              "data-group": groupKey(row.id),
              "data-mean": row.mean ?? "",
              "data-stage": row.stage ? row.stage.id : "",
            },
            h("th", { scope: "row" }, `${row.title} (${row.count})`),
            h("td", {}, fixed(row.mean)),
            h("td", {}, row.stage ? row.stage.title : "none"),
            row.stages.map((s) => h("td", { "data-stage-count": s.id }, String(s.count))),
            unplaced ? h("td", {}, String(row.unplaced)) : null,
          ),
        ),
        { "data-team-headline-table": "" },
      ),
    ];
  }

  // The report's body, and the steps that complete it (see ROWS_PER_STEP).
  function renderReport(report, url, settings) {
    const steps = [];
    const groups = report.groups;
    const titles = new Map(groups.map((g) => [groupKey(g.id), g.title]));
    const captionId = "sg-team-chart-caption";
    const total = report.total;
    const sections = [];

    sections.push(
      h("p", { class: "sg-result__eyebrow" }, "Team report"),
      h("h2", { class: "sg-result__title" }, report.quiz.title),
      h(
        "p",
        { class: "sg-team__count" },
        `${plural(report.count, "respondent")}: `,
        groups.map((g) => `${g.title} ${g.count}`).join(", "),
        ".",
      ),
    );
    if (report.skipped.length) {
      sections.push(
        h(
          "div",
          { class: "sg-team__skipped", "data-team-skipped": "" },
          h(
            "p",
            {},
            `${plural(report.skipped.length, "entry", "entries")} could not be read and ${report.skipped.length === 1 ? "is" : "are"} left out:`,
          ),
          h(
            "ul",
            {},
            report.skipped.map((s) => h("li", { "data-where": s.where }, h("strong", {}, s.where), `: ${s.message}`)),
          ),
        ),
      );
    }
    if (report.header_rows?.length) {
      sections.push(
        h(
          "div",
          { class: "sg-help", "data-team-header-rows": "" },
          h("p", {}, `Read as part of the header, not as anyone's answers:`),
          h(
            "ul",
            {},
            report.header_rows.map((r) =>
              h("li", { "data-where": r.where }, h("strong", {}, r.where), `: ${r.message}`),
            ),
          ),
        ),
      );
    }
    if (report.notes?.length) {
      sections.push(
        h(
          "ul",
          { class: "sg-help", "data-team-notes": "" },
          report.notes.map((note) => h("li", {}, `${note[0].toUpperCase()}${note.slice(1)}.`)),
        ),
      );
    }
    if (report.ignored_columns.length) {
      sections.push(
        h("p", { class: "sg-help", "data-team-ignored": "" }, `Ignored columns: ${report.ignored_columns.join(", ")}.`),
      );
    }

    sections.push(...renderHeadline(report));
    const findings = report.findings.filter((f) => f.kind !== "headline");
    sections.push(
      h("h3", {}, "What stands out"),
      h(
        "ul",
        { class: "sg-team__findings", "data-team-findings": "" },
        findings.map((f) => h("li", { "data-kind": f.kind }, f.text)),
      ),
    );

    sections.push(
      h("h3", {}, "Totals and stages"),
      total
        ? h(
            "p",
            { class: "sg-team__totals", "data-team-total": "", "data-mean": total.mean, "data-spread": total.spread },
            `Mean total ${fixed(total.mean)} out of ${report.highest_total}; range ${total.min}–${total.max} (${plural(total.range, "point")}); spread (standard deviation) ${fixed(total.spread)}.`,
          )
        : h(
            "p",
            { class: "sg-team__totals", "data-team-total": "" },
            "Nobody judged enough statements to have a total.",
          ),
      report.unplaced
        ? h(
            "p",
            { class: "sg-help", "data-team-unplaced": report.unplaced },
            `${plural(report.unplaced, "respondent")} marked too many statements as not judged to be placed in a stage.`,
          )
        : null,
      table(
        "Respondents in each stage",
        ["Stage", "Totals", "Respondents"],
        report.stages.map((s) =>
          h(
            "tr",
            { "data-stage": s.id },
            h("th", { scope: "row" }, s.title),
            h("td", {}, `${s.min}–${s.max}`),
            h("td", { "data-count": s.count }, String(s.count)),
          ),
        ),
      ),
    );

    // The summary is drawn at once; everything below it follows in steps.
    const body = h("div", { class: "sg-team__body", "data-team-report": "", "data-count": report.count }, sections);

    steps.push(() =>
      body.append(
        h("h3", {}, "By dimension"),
        h(
          "figure",
          { class: "sg-team__figure" },
          renderLegend(report, settings),
          renderChart(report, settings, captionId, steps),
          h(
            "figcaption",
            { id: captionId },
            `Each dimension's average answer per person on the ${report.scale.min}–${report.scale.max} scale, by group, with each group's mean. The same figures are in the tables below.`,
          ),
        ),
        table(
          `Mean per dimension on the ${report.scale.min}–${report.scale.max} scale; the gap is between the two groups furthest apart`,
          ["Dimension", ...groups.map((g) => `${g.title} (${g.count})`), "Team", "Gap"],
          report.dimensions.map((d) =>
            h(
              "tr",
              { "data-dimension": d.id },
              h("th", { scope: "row" }, d.title),
              d.groups.map((g) => h("td", { "data-group": groupKey(g.id) }, fixed(g.mean))),
              h("td", { "data-team-mean": "" }, fixed(d.mean)),
              h("td", { "data-gap": d.gap ? d.gap.points : "" }, gapText(d.gap)),
            ),
          ),
          { "data-team-dimensions": "" },
        ),
      ),
    );

    steps.push(() => {
      const between = report.disagreements.between;
      const within = report.disagreements.within;
      body.append(
        ...tableOrNote(
          "Where the functions disagree most",
          between.length === 0 &&
            (groups.filter((g) => g.id !== null).length < 2
              ? "This needs answers from at least two groups."
              : "None: the groups give the same average answers."),
          () =>
            table(
              "Statements with the largest difference between group means",
              ["Statement", ...groups.map((g) => g.title), "Gap"],
              between.map((s) =>
                statementRow(
                  s,
                  s.groups.map((g) => h("td", { "data-group": groupKey(g.id) }, fixed(g.mean))),
                  h("td", { "data-gap": s.gap.points }, gapText(s.gap)),
                ),
              ),
              { "data-team-between": "" },
            ),
        ),
        ...tableOrNote(
          "Where the team disagrees most",
          within.length === 0 &&
            (report.count < 2 ? "This needs at least two respondents." : "None: everyone gave the same answers."),
          () =>
            table(
              "Statements with the widest spread of answers across the whole team",
              ["Statement", "Spread", "Answers", "Mean"],
              within.map((s) =>
                statementRow(
                  s,
                  h("td", { "data-spread": s.spread }, fixed(s.spread)),
                  h("td", {}, `${s.min} to ${s.max}`),
                  h("td", {}, fixed(s.mean)),
                ),
              ),
              { "data-team-within": "" },
            ),
        ),
      );
    });

    steps.push(() => {
      const respondentRow = (r) =>
        h(
          "tr",
          { "data-respondent": r.number, "data-group": groupKey(r.group) },
          h("td", {}, String(r.number)),
          h("th", { scope: "row" }, r.label),
          h("td", {}, titles.get(groupKey(r.group))),
          h(
            "td",
            { "data-total": r.total ?? "" },
            r.total === null ? "–" : r.estimated ? `about ${r.total}` : String(r.total),
          ),
          h(
            "td",
            { "data-stage": r.stage ? r.stage.id : "" },
            r.stage ? r.stage.title : `none (${r.unjudged} not judged)`,
          ),
          r.dimensions.map((value) => h("td", {}, fixed(value))),
        );
      const respondents = table(
        `Each person's total, stage and mean per dimension on the ${report.scale.min}–${report.scale.max} scale (the dots in the chart)`,
        ["#", "Name", "Group", "Total", "Stage", ...report.dimensions.map((d) => d.title)],
        [],
        { "data-team-respondents": "" },
      );
      const tbody = respondents.querySelector("tbody");
      const slices = [];
      for (let start = 0; start < report.respondents.length; start += ROWS_PER_STEP) {
        const slice = report.respondents.slice(start, start + ROWS_PER_STEP);
        slices.push(() => tbody.append(...slice.map(respondentRow)));
      }
      const share = shareBox({
        label: "Team link (it holds everyone's answers after the #; opening it makes this report again)",
        url,
        inputAttributes: { "data-team-link": "" },
      });
      body.append(h("h3", {}, "Respondents"), respondents, share);
      steps.push(...slices);
    });

    return { body, steps };
  }

  mountComponent("[data-stageguide-team]", mountTeam);
})();
