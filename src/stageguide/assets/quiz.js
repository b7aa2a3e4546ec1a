// stageguide quiz: mounts the quiz page (once per page view, also after Material's
// instant navigation), asks the scoring engine (engine.js) and renders the result.
// The scoring itself happens in Python (stageguide.core) inside the worker.
(() => {
  "use strict";

  const { request: engineRequest, state: engineState } = window.stageguide.engine;
  const { h, say, hashPart, setFragment, followFragment, mountComponent, shareBox, listenShareActions } =
    window.stageguide.ui;
  const shareCodeFromHash = (hash) => hashPart(hash, "a");
  // "I can't judge this": the form's radio value, and null in answers, storage and requests.
  const UNSURE = "unsure";
  const answerFromInput = (value) => (value === UNSURE ? null : Number(value));
  const inputValueFor = (answer) => (answer === null ? UNSURE : String(answer));

  // Read a share code's plain parts (format: stageguide.core.sharecode) for the preview
  // shown while the engine loads. Only the engine decides whether the code is valid.
  function peekShareCode(code, nameLength) {
    try {
      code = decodeURIComponent(code || "");
    } catch {
      return null;
    }
    const match = /^([a-z0-9]+(?:-[a-z0-9]+)*)\.([0-9]{1,9})\.([0-9a-z_]*)((?:~[a-z][A-Za-z0-9_-]*)*)$/.exec(
      code || "",
    );
    if (!match) return null;
    const shared = { quiz: match[1], version: Number(match[2]), answers: match[3].length, group: null, name: null };
    for (const part of match[4].split("~").slice(1)) {
      if (part.startsWith("g")) shared.group = part.slice(1);
      if (part.startsWith("n")) {
        try {
          const text = atob(part.slice(1).replace(/-/g, "+").replace(/_/g, "/"));
          const name = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(text, (c) => c.charCodeAt(0)));
          shared.name =
            name
              // biome-ignore lint/suspicious/noControlCharactersInRegex: control and bidi characters are what it removes
              .replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, "")
              .trim()
              .slice(0, nameLength) || null;
        } catch {
          shared.name = null;
        }
      }
    }
    return shared;
  }

  // --------------------------------------------------------------- storage
  // Answers are kept in localStorage as the visitor goes. Anything unreadable, from
  // another quiz version, or off the scale is dropped rather than shown as theirs.
  function storageKey(quiz) {
    return `stageguide:${quiz.id}`;
  }

  function storageRead(quiz, limits) {
    let raw = null;
    try {
      raw = localStorage.getItem(storageKey(quiz));
    } catch {
      return { answers: {}, note: "" };
    }
    if (raw === null) return { answers: {}, note: "" };
    let saved = null;
    try {
      saved = JSON.parse(raw);
    } catch {
      saved = null;
    }
    if (!saved || typeof saved !== "object" || typeof saved.answers !== "object" || saved.answers === null) {
      storageClear(quiz);
      return { answers: {}, note: "Saved answers in this browser could not be read, so the quiz starts empty." };
    }
    if (saved.version !== quiz.version) {
      storageClear(quiz);
      return {
        answers: {},
        note: "Your saved answers were for an earlier version of this quiz, so the quiz starts empty.",
      };
    }
    const answers = {};
    for (const id of quiz.statements) {
      const value = saved.answers[id];
      if (Number.isInteger(value) && quiz.scale.includes(value)) answers[id] = value;
      else if (value === null && quiz.unsure) answers[id] = null;
    }
    const group = quiz.groups.includes(saved.group) ? saved.group : null;
    const name = typeof saved.name === "string" ? saved.name.slice(0, limits.name_length) : "";
    return { answers, group, name, note: "" };
  }

  function storageWrite(quiz, state) {
    try {
      localStorage.setItem(storageKey(quiz), JSON.stringify({ version: quiz.version, ...state }));
      return true;
    } catch {
      return false;
    }
  }

  function storageClear(quiz) {
    try {
      localStorage.removeItem(storageKey(quiz));
    } catch {
      /* storage unavailable: nothing to clear */
    }
  }

  // ------------------------------------------------- viewing a shared result
  // A share link's answers are kept apart from the visitor's own (issue 17). While a
  // shared result is viewed, the form shows the link's answers read-only and nothing is
  // written to storage; only "Start from these answers" makes them the visitor's own,
  // and "Back to my answers" leaves the link. A click on an answer is refused with a
  // pointer to those two choices rather than silently forking someone else's answers.
  // The banner is built here, not in the template, so the form markup stays as it is.
  function createSharedView({ root, form, quiz, listen, onAdopt, onLeave }) {
    let viewing = null; // null, or { code, share } (share is null while the link is being opened)
    const text = h("p", { class: "sg-shared__text" });
    const hint = h("p", { class: "sg-shared__hint", role: "status" });
    const adopt = h(
      "button",
      { type: "button", class: "md-button md-button--primary", "data-sg-view": "adopt" },
      "Start from these answers",
    );
    const mine = h("button", { type: "button", class: "md-button", "data-sg-view": "mine" }, "Back to my answers");
    const banner = h(
      "div",
      {
        class: "sg-notice sg-shared",
        "data-sg-shared": "",
        role: "region",
        "aria-label": "Shared result",
        tabindex: "-1",
        hidden: true,
      },
      text,
      h("div", { class: "sg-shared__buttons" }, adopt, mine),
      hint,
    );
    form.before(banner);
    const actions = form.querySelector(".sg-actions");
    const nameInput = form.querySelector('input[name="sg-name"]');

    function render(savedCount) {
      const active = viewing !== null;
      banner.hidden = !active;
      form.classList.toggle("sg-form--viewing", active);
      if (actions) actions.hidden = active;
      if (nameInput) nameInput.readOnly = active;
      root.dataset.view = active ? "shared" : "own";
      if (!active) return;
      const who = viewing.share?.name ? ` from ${viewing.share.name}` : "";
      const own =
        savedCount > 0
          ? ` Your own answers (${savedCount} of ${quiz.statements.length}) are kept as they were; starting from these answers replaces them.`
          : " Your own answers are not changed.";
      text.textContent = viewing.share
        ? `You are viewing answers${who} from a shared link.${own}`
        : "Opening the answers from a shared link…";
      adopt.disabled = !viewing.share;
      mine.textContent = savedCount > 0 ? "Back to my answers" : "Take the quiz myself";
    }

    function refuse() {
      hint.textContent =
        "These answers belong to the shared link and cannot be changed here. Choose “Start from these answers” to work on a copy of them, or go back to your own.";
      banner.scrollIntoView({ behavior: "smooth", block: "center" });
      banner.focus({ preventScroll: true });
    }

    // A cancelled click leaves the radio as it was and fires no change, so nothing is saved.
    listen(form, "click", (event) => {
      if (viewing && event.target.closest("label, input[type='radio']")) {
        event.preventDefault();
        refuse();
      }
    });
    listen(adopt, "click", () => {
      if (!viewing?.share) return;
      const share = viewing.share;
      viewing = null;
      hint.textContent = "";
      onAdopt(share);
    });
    listen(mine, "click", () => {
      viewing = null;
      hint.textContent = "";
      onLeave();
    });

    return {
      active: () => viewing !== null,
      share: () => (viewing ? viewing.share : null),
      opening(code, savedCount) {
        viewing = { code, share: null };
        hint.textContent = "";
        render(savedCount);
      },
      showing(code, share, savedCount) {
        viewing = { code, share };
        render(savedCount);
      },
      close(savedCount) {
        viewing = null;
        hint.textContent = "";
        render(savedCount);
      },
      refuse,
    };
  }

  // The link holds exactly what is saved (the visitor's own link, or a reload after
  // "Start from these answers"): then there is nothing to keep apart.
  function sameAsSaved(quiz, share, saved) {
    return (
      quiz.statements.every((id) => saved.answers[id] === share.answers[id]) &&
      (saved.group || null) === (share.group || null) &&
      (saved.name || "") === (share.name || "")
    );
  }

  // ----------------------------------------------------------------- form
  // The form is plain HTML, answerable before any script runs; these read and fill it.
  function readForm(form, quiz) {
    const answers = {};
    for (const id of quiz.statements) {
      const checked = form.querySelector(`input[name="${CSS.escape(id)}"]:checked`);
      if (checked) answers[id] = answerFromInput(checked.value);
    }
    const group = form.querySelector('input[name="sg-group"]:checked');
    const name = form.querySelector('input[name="sg-name"]');
    return { answers, group: group ? group.value : null, name: name ? name.value.trim() : "" };
  }

  function fillForm(form, { answers, group, name }) {
    for (const input of form.querySelectorAll('input[type="radio"]')) input.checked = false;
    for (const [id, value] of Object.entries(answers)) {
      const input = form.querySelector(`input[name="${CSS.escape(id)}"][value="${inputValueFor(value)}"]`);
      if (input) input.checked = true;
    }
    if (group) {
      const input = form.querySelector(`input[name="sg-group"][value="${CSS.escape(group)}"]`);
      if (input) input.checked = true;
    }
    const nameInput = form.querySelector('input[name="sg-name"]');
    if (nameInput) nameInput.value = name || "";
  }

  const EMPTY = Object.freeze({ answers: {}, group: null, name: "" });

  // ----------------------------------------------------------------- page
  // One page view of the quiz: its settings, its elements and the little state it keeps.
  // Every function below takes it, so each says in its name what it does to the page.
  function quizPage(root, scope, settings) {
    const find = (selector) => root.querySelector(selector);
    return {
      root,
      scope,
      settings,
      quiz: settings.quiz,
      form: find("[data-sg-form]"),
      status: find("[data-sg-status]"),
      notice: find("[data-sg-notice]"),
      progress: find("[data-sg-progress]"),
      message: find("[data-sg-message]"),
      slot: find("[data-sg-result-slot]"),
      sum: find("[data-sg-sum]"),
      loading: find("[data-sg-loading]"),
      preview: find("[data-sg-preview]"),
      bar: find("[data-sg-bar]"),
      figures: find("[data-sg-figures]"),
      view: null, // the shared-link view (createSharedView), set by mountQuiz
      saveFailed: false,
      shownPhase: "",
    };
  }

  const savedCount = (page) => Object.keys(storageRead(page.quiz, page.settings.limits).answers).length;

  // Put answers in the form, then bring the running tally and the missing marks up to date.
  function showAnswers(page, state) {
    fillForm(page.form, state);
    renderTally(page);
  }

  function renderTally(page) {
    const { quiz, form } = page;
    const { answers } = readForm(form, quiz);
    const count = Object.keys(answers).length;
    const judged = Object.values(answers).filter((value) => value !== null);
    const total = judged.reduce((a, b) => a + b, 0);
    const unjudged = count - judged.length;
    const notJudged = unjudged ? `, ${unjudged} not judged` : "";
    page.progress.textContent = `${count} of ${quiz.statements.length} answered`;
    page.sum.textContent =
      count === quiz.statements.length
        ? `Your answers add up to ${total}${notJudged ? ` (${unjudged} not judged: see the note under the table)` : ""}. Find that total in the table below.`
        : `Your answers so far add up to ${total} (${count} of ${quiz.statements.length} answered${notJudged}).`;
    for (const fieldset of form.querySelectorAll("fieldset[data-statement]")) {
      if (fieldset.dataset.statement in answers) {
        fieldset.classList.remove("sg-missing");
        fieldset.removeAttribute("aria-invalid");
      }
    }
    if (count === quiz.statements.length) page.message.hidden = true;
  }

  function saveAnswers(page) {
    if (page.view.active()) return; // a shared link's answers are never the visitor's until adopted
    if (!storageWrite(page.quiz, readForm(page.form, page.quiz)) && !page.saveFailed) {
      page.saveFailed = true;
      say(
        page.notice,
        "This browser is not letting the page save your answers, so they will be lost if you leave. Finish in one go, or use the share link at the end.",
      );
    }
  }

  // Saved answers come back, except where the visitor clicked before this script ran:
  // those win (the form is plain HTML) and are saved at once.
  function restoreSaved(page) {
    const saved = storageRead(page.quiz, page.settings.limits);
    const current = readForm(page.form, page.quiz);
    showAnswers(page, {
      answers: { ...saved.answers, ...current.answers },
      group: current.group || saved.group,
      name: current.name || saved.name,
    });
    if (Object.keys(current.answers).length) saveAnswers(page);
    say(page.notice, saved.note);
  }

  // --------------------------------------------------------------- status
  function renderEngineStatus(page, state, error, progress) {
    page.sum.hidden = state !== "failed";
    if (page.loading) page.loading.hidden = state === "ready" || state === "failed";
    if (state === "ready") page.status.textContent = "Ready to score. Your answers stay in this browser.";
    else if (state === "failed")
      page.status.textContent = `The scoring engine could not start: ${error}. Your answers are kept. You can still find your stage by hand with the scoring key at the end of the page.`;
    else renderProgress(page, progress || { phase: "download", loaded: 0, total: 0 });
    if (state !== "loading") page.shownPhase = "";
    if (state === "failed") page.slot.hidden = true;
    if (state === "failed" && page.preview) page.preview.hidden = true;
  }

  // The live status changes once per phase (screen readers hear three short lines);
  // the bar and the figures beside it follow the bytes and are not announced.
  function renderProgress(page, { phase, loaded, total }) {
    const sharing = Boolean(shareCodeFromHash(location.hash));
    const line =
      {
        download: sharing
          ? "Preparing the shared result: the scoring engine is downloading."
          : "Preparing the scoring engine… you can start answering now.",
        start: sharing
          ? "Preparing the shared result: starting Python."
          : "Starting the scoring engine (Python)… you can keep answering.",
        quiz: sharing ? "Preparing the shared result: loading the quiz." : "Loading the quiz into the scoring engine…",
      }[phase] || "Preparing the scoring engine… you can start answering now.";
    if (phase !== page.shownPhase) {
      page.status.textContent = line;
      page.shownPhase = phase;
    }
    const { bar } = page;
    if (!bar) return;
    const text =
      phase === "download"
        ? total
          ? `Downloading the scoring engine, ${megabytes(loaded, total)} of ${megabytes(total, total)} MB`
          : "Downloading the scoring engine"
        : phase === "start"
          ? "Downloaded; starting Python"
          : "Loading the quiz";
    if (phase === "download" && total) {
      bar.max = total;
      bar.value = Math.min(loaded, total);
    } else if (phase !== "download") {
      bar.max = 1;
      bar.value = 1;
    }
    bar.setAttribute("aria-valuetext", text);
    page.figures.textContent = text;
  }

  function megabytes(bytes, total) {
    return (bytes / 1e6).toFixed(total >= 10e6 ? 0 : 1);
  }

  // What a share link says before the engine can check it: who shared it, for which quiz and version.
  function renderSharePreview(page, code) {
    const { preview, form, quiz } = page;
    if (!preview) return;
    const shared = peekShareCode(code, page.settings.limits.name_length);
    if (!shared) {
      preview.hidden = true;
      return;
    }
    const groupLabel = shared.group
      ? form.querySelector(`input[name="sg-group"][value="${CSS.escape(shared.group)}"]`)
      : null;
    const group = groupLabel ? groupLabel.closest("label").textContent.trim() : "";
    const who = shared.name ? `${shared.name}${group ? ` (${group})` : ""}` : group ? `Someone in ${group}` : "Someone";
    const quizName = shared.quiz === quiz.id ? quiz.title || quiz.id : shared.quiz;
    preview.textContent = `${who} shared their answers to “${quizName}” (version ${shared.version}). Their result appears here as soon as the scoring engine has checked them.`;
    preview.hidden = false;
  }

  // --------------------------------------------------------------- result
  function showResult(page, result, code) {
    const { slot } = page;
    const url = setFragment(`a=${code}`);
    slot.replaceChildren(renderResult(result, url, page.settings));
    slot.hidden = false;
    if (page.preview) page.preview.hidden = true;
    page.root.classList.add("sg-has-result");
    slot.focus({ preventScroll: true });
    slot.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  function clearResult(page) {
    page.slot.replaceChildren();
    page.slot.hidden = true;
    page.root.classList.remove("sg-has-result");
  }

  // Mark the unanswered statements and take the visitor to the first of them.
  function pointToMissing(page, missing) {
    const { root, quiz, message } = page;
    for (const id of missing) {
      const fieldset = root.querySelector(`#sg-q-${CSS.escape(id)}`);
      fieldset.classList.add("sg-missing");
      fieldset.setAttribute("aria-invalid", "true");
    }
    const first = quiz.statements.indexOf(missing[0]) + 1;
    say(
      message,
      missing.length === 1
        ? `One statement is still unanswered: number ${first}.`
        : `${missing.length} statements are still unanswered. The first is number ${first}.`,
    );
    const target = root.querySelector(`#sg-q-${CSS.escape(missing[0])} input`);
    target.focus();
    target.closest("fieldset").scrollIntoView({ behavior: "smooth", block: "center" });
  }

  async function submitAnswers(page) {
    const { quiz, message, scope } = page;
    if (page.view.active()) return;
    const state = readForm(page.form, quiz);
    const missing = quiz.statements.filter((id) => !(id in state.answers));
    if (missing.length) {
      pointToMissing(page, missing);
      return;
    }
    if (engineState() === "failed") {
      say(message, "The scoring engine is not available. Use the scoring key below: your total is shown above it.");
      return;
    }
    if (engineState() !== "ready")
      page.status.textContent = "Your result will appear as soon as the scoring engine is ready…";
    try {
      const answers = quiz.statements.map((id) => state.answers[id]);
      const reply = await engineRequest("result", {
        quiz: quiz.id,
        answers,
        group: state.group,
        name: state.name || null,
      });
      if (scope.active) showResult(page, reply.result, reply.code);
    } catch (error) {
      if (!scope.active) return;
      say(message, `Your answers could not be scored: ${error.message}`);
    }
  }

  // --------------------------------------------------------------- sharing
  async function openShare(page, code) {
    const { quiz, scope, view } = page;
    if (engineState() === "ready") page.status.textContent = "Opening the shared answers…";
    renderSharePreview(page, code);
    view.opening(code, savedCount(page));
    showAnswers(page, EMPTY);
    clearResult(page);
    try {
      const reply = await engineRequest("share", { quiz: quiz.id, code });
      if (!scope.active || shareCodeFromHash(location.hash) !== code) return;
      const answers = Object.fromEntries(quiz.statements.map((id, i) => [id, reply.share.answers[i]]));
      const share = { answers, group: reply.share.group || null, name: reply.share.name || "" };
      const saved = storageRead(quiz, page.settings.limits);
      if (sameAsSaved(quiz, share, saved)) view.close(0);
      else view.showing(code, share, Object.keys(saved.answers).length);
      showAnswers(page, share);
      showResult(page, reply.result, code);
      say(page.notice, "");
    } catch (error) {
      if (!scope.active || shareCodeFromHash(location.hash) !== code) return;
      if (page.preview) page.preview.hidden = true;
      const kept = showOwnAnswers(page)
        ? "Your own saved answers are below, unchanged."
        : "The quiz below is empty, so you can take it yourself.";
      say(
        page.notice,
        error.kind === "answer"
          ? `This share link could not be opened: ${error.message}. ${kept}`
          : `This share link could not be opened because the scoring engine is not available. ${kept}`,
      );
    }
  }

  // Leave the link: the visitor's own saved answers come back, no result, no fragment.
  function showOwnAnswers(page) {
    setFragment(null);
    const saved = storageRead(page.quiz, page.settings.limits);
    page.view.close(0);
    showAnswers(page, saved);
    clearResult(page);
    return Object.keys(saved.answers).length;
  }

  function backToMine(page) {
    showOwnAnswers(page);
    say(page.notice, "");
    page.form.querySelector('input[type="radio"]')?.focus({ preventScroll: true });
    page.root.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  // The visitor chose to take the link's answers as their own: only now are they saved.
  function adoptShared(page, share) {
    page.view.close(0);
    showAnswers(page, share);
    saveAnswers(page);
    page.status.textContent = "These answers are now yours: change any of them and press “See my stage” again.";
  }

  // A click on an answer while a link's answers are shown: put them back and say why.
  function refuseChange(page) {
    showAnswers(page, page.view.share() || EMPTY);
    page.view.refuse();
  }

  function resetQuiz(page) {
    storageClear(page.quiz);
    showAnswers(page, EMPTY);
    clearResult(page);
    say(page.notice, "");
    page.message.hidden = true;
    for (const fieldset of page.form.querySelectorAll(".sg-missing")) fieldset.classList.remove("sg-missing");
    setFragment(null);
    page.form.querySelector('input[type="radio"]')?.focus();
  }

  function followHash(page) {
    const code = shareCodeFromHash(location.hash);
    if (code) openShare(page, code);
    else if (page.view.active()) showOwnAnswers(page);
  }

  // ----------------------------------------------------------------- quiz
  function mountQuiz(root, scope, settings) {
    const { listen } = scope;
    const page = quizPage(root, scope, settings);
    const { form } = page;
    page.view = createSharedView({
      root,
      form,
      quiz: page.quiz,
      listen,
      onAdopt: (share) => adoptShared(page, share),
      onLeave: () => backToMine(page),
    });

    listen(form, "change", () => {
      if (page.view.active()) {
        refuseChange(page);
        return;
      }
      renderTally(page);
      saveAnswers(page);
    });
    listen(form, "input", (event) => {
      if (event.target.name === "sg-name") saveAnswers(page);
    });
    listen(form, "submit", (event) => {
      event.preventDefault();
      submitAnswers(page);
    });
    listen(root.querySelector("[data-sg-reset]"), "click", () => resetQuiz(page));
    followFragment(
      scope,
      (hash) => shareCodeFromHash(hash) !== null,
      () => followHash(page),
    );
    listenShareActions(scope, page.slot);

    const code = shareCodeFromHash(location.hash);
    if (code) renderTally(page);
    else restoreSaved(page);
    return {
      renderStatus: (state, error, progress) => renderEngineStatus(page, state, error, progress),
      opened: () => code && openShare(page, code),
    };
  }

  // ---------------------------------------------------------- result body
  const SHARE_LABEL = "Share link (it holds your answers after the #)";

  function renderResult(result, url, settings) {
    const stage = result.stage;
    const stageUrl = (page) => settings.pages[page];
    const attrs = {
      class: "sg-result__body",
      "data-quiz-result": "",
      "data-stage": stage ? stage.id : "",
      "data-total": result.total ?? "",
    };
    if (result.estimated) attrs["data-estimated"] = "";
    if (!stage) {
      return h(
        "div",
        attrs,
        h("p", { class: "sg-result__eyebrow" }, "Your result"),
        h("h2", { class: "sg-result__title" }, "No stage this time"),
        h("p", { class: "sg-result__summary", "data-sg-no-stage": "" }, result.no_stage_reason),
        h("h3", {}, "By dimension"),
        renderDimensions(result),
        renderLowAnswers(result, null, stageUrl),
        shareBox({ label: SHARE_LABEL, url, shareText: "My answers to the quiz" }),
      );
    }
    const next = result.next_stage;
    const reading = [h("a", { href: stageUrl(stage.page) }, `Read about the ${stage.title} stage`)];
    if (next) reading.push(" · ", h("a", { href: stageUrl(next.page) }, `What ${next.title} looks like`));
    const focus = result.advice.dimensions.map((d) =>
      h(
        "div",
        { class: "sg-focus" },
        h("h4", {}, `${d.title} (${d.percent} / 100)`),
        h(
          "ul",
          {},
          d.advice.map((a) => h("li", {}, a)),
        ),
      ),
    );
    return h(
      "div",
      attrs,
      h("p", { class: "sg-result__eyebrow" }, "Your result"),
      h("h2", { class: "sg-result__title" }, `Stage: ${stage.title}`),
      h("p", { class: "sg-result__summary" }, stage.summary),
      renderTotal(result),
      renderBands(result),
      h("h3", {}, "By dimension"),
      renderDimensions(result),
      h("h3", {}, next ? `To move towards ${next.title}` : `To stay ${stage.title}`),
      h(
        "ul",
        { class: "sg-advice" },
        result.advice.stage.map((a) => h("li", {}, a)),
      ),
      focus.length ? [h("h3", {}, "Where to start"), ...focus] : null,
      renderLowAnswers(result, stage, stageUrl),
      h("p", { class: "sg-result__reading" }, reading),
      shareBox({ label: SHARE_LABEL, url, shareText: `My organisation came out at the ${stage.title} stage.` }),
    );
  }

  function renderTotal(result) {
    const { stage, next_stage: next } = result;
    const estimate = result.estimated
      ? h(
          "span",
          { class: "sg-result__estimate", "data-sg-estimate": "" },
          ` This is an estimate: ${result.unjudged} of ${result.judged + result.unjudged} statements were not judged, so the total scales up your ${result.judged} judged answers.`,
        )
      : null;
    return h(
      "p",
      { class: "sg-result__total" },
      h("strong", {}, result.estimated ? `about ${result.total}` : String(result.total)),
      ` out of ${result.highest_total} (the ${stage.title} band is ${stage.band.min}–${stage.band.max}). `,
      next
        ? `${result.points_to_next} more point${result.points_to_next === 1 ? "" : "s"} would reach ${next.title}.`
        : "This is the most mature stage.",
      estimate,
    );
  }

  function renderBands(result) {
    const span = result.highest_total - result.lowest_total;
    const position = span ? ((result.total - result.lowest_total) / span) * 100 : 100;
    const bands = h(
      "div",
      {
        class: "sg-bands",
        role: "img",
        "aria-label":
          `Total ${result.total} on a scale from ${result.lowest_total} to ${result.highest_total}. ` +
          result.stages.map((s) => `${s.title} ${s.band.min} to ${s.band.max}`).join(", ") +
          ".",
      },
      result.stages.map((s) => {
        const band = h(
          "div",
          { class: `sg-band${s.id === result.stage.id ? " sg-band--current" : ""}` },
          h("span", { class: "sg-band__title" }, s.title),
          h("span", { class: "sg-band__range" }, `${s.band.min}–${s.band.max}`),
        );
        band.style.flexGrow = String(s.band.max - s.band.min + 1);
        return band;
      }),
    );
    const marker = h("div", { class: "sg-bands__marker", "aria-hidden": "true" }, h("span", {}, String(result.total)));
    marker.style.left = `${position}%`;
    bands.append(marker);
    return bands;
  }

  function renderDimensions(result) {
    return h(
      "ul",
      { class: "sg-dims" },
      result.dimensions.map((d) => {
        const fill = h("span", { class: "sg-dim__fill" });
        fill.style.width = `${d.percent ?? 0}%`;
        const figure =
          d.percent === null
            ? h("span", { class: "sg-dim__figure" }, "not judged")
            : h(
                "span",
                { class: "sg-dim__figure" },
                `${d.percent} / 100`,
                h("small", {}, ` (average ${d.mean.toFixed(1)})`),
              );
        return h(
          "li",
          { class: "sg-dim", "data-dimension": d.id },
          h("span", { class: "sg-dim__title" }, d.title),
          h("span", { class: "sg-dim__bar", "aria-hidden": "true" }, fill),
          figure,
        );
      }),
    );
  }

  // The statements answered lowest, with the answer given and why each one matters:
  // the `why` lines live here, after answering, never inside the form.
  function renderLowAnswers(result, stage, stageUrl) {
    if (!result.low.length) return null;
    const items = result.low.map((item) =>
      h(
        "li",
        { class: "sg-low__item", "data-statement": item.id },
        h("span", { class: "sg-low__text" }, `${item.number}. ${item.text}`),
        h("span", { class: "sg-low__answer" }, ` You answered ${item.answer} (${item.label}).`),
        item.why ? h("span", { class: "sg-why" }, ` ${item.why}`) : null,
      ),
    );
    const help = stage
      ? h(
          "p",
          {},
          h("a", { href: `${stageUrl(stage.page)}` }, `How organisations move on from ${stage.title}`),
          " explains what to change first.",
        )
      : null;
    return [h("h3", {}, "What pulled your score down"), h("ul", { class: "sg-low", "data-sg-low": "" }, items), help];
  }

  mountComponent("[data-stageguide-quiz]", mountQuiz);
})();
