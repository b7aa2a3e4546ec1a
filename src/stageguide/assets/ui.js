// stageguide shared UI: what every component (quiz, team report, chart) builds its page
// with. DOM and SVG building with text only (never HTML strings), the URL fragment,
// mounting per page view with the engine started and watched, notices, and the share box
// with its copy, share and print buttons. Loaded after engine.js, before the components.
(() => {
  "use strict";
  const stageguide = window.stageguide;
  if (stageguide.ui) return;
  const engine = stageguide.engine;
  const SVG_NS = "http://www.w3.org/2000/svg";

  // ------------------------------------------------------------- building
  // `null`, `undefined` and `false` leave an attribute or a child out; `true` is an empty attribute.
  function build(element, attributes, children) {
    for (const [name, value] of Object.entries(attributes)) {
      if (value === null || value === undefined || value === false) continue;
      element.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return element;
  }

  const h = (tag, attributes = {}, ...children) => build(document.createElement(tag), attributes, children);
  const svg = (tag, attributes = {}, ...children) => build(document.createElementNS(SVG_NS, tag), attributes, children);

  // Show `text` in a notice or message element, hidden while there is nothing to say.
  function say(element, text) {
    element.textContent = text;
    element.hidden = !text;
  }

  // ------------------------------------------------------------- fragment
  function hashPart(hash, key) {
    for (const part of hash.replace(/^#/, "").split("&")) {
      if (part.startsWith(`${key}=`)) return part.slice(key.length + 1);
    }
    return null;
  }

  // For the guard in fragment_guard.html, which keeps a history change into or out of a
  // component's own fragment away from Material's instant navigation, but only while the
  // theme is on that very page: the components mounted (each with its page and the fragments
  // it owns), the fragment last shown, and the page the theme last went to. A Back pressed
  // while the theme is still fetching another page is the theme's to follow, even when it
  // lands on the page still shown (the theme would otherwise draw the other page over it).
  const pathOf = (url) => url.pathname + url.search;
  const fragmentOwners = new Set();
  let shownHash = location.hash;
  let themePath = pathOf(location);
  if (typeof window.location$?.subscribe === "function") {
    window.location$.subscribe((url) => {
      themePath = pathOf(url);
    });
  }

  // Replace the URL's fragment (none for null) without a history entry; returns the new URL.
  function setFragment(fragment) {
    const url = location.href.split("#")[0] + (fragment === null ? "" : `#${fragment}`);
    history.replaceState(history.state, "", url);
    shownHash = location.hash;
    return url;
  }

  function ownsFragment() {
    const path = pathOf(location);
    if (path !== themePath) return false;
    for (const owner of fragmentOwners) {
      if (owner.path === path && (owner.owns(location.hash) || owner.owns(shownHash))) return true;
    }
    return false;
  }

  // Call `onChange` whenever the fragment changes while the page is shown; `owns(hash)` says
  // which fragments are the component's (a share code, a team's codes).
  function followFragment(scope, owns, onChange) {
    const owner = { path: pathOf(location), owns };
    fragmentOwners.add(owner);
    scope.onCleanup(() => fragmentOwners.delete(owner));
    shownHash = location.hash;
    scope.listen(window, "hashchange", () => {
      shownHash = location.hash;
      onChange();
    });
  }

  // ------------------------------------------------------------- mounting
  // Mount `mount(root, scope)` on the element matching `selector` on every page view
  // (Material's instant navigation replays pages through document$). The scope collects
  // the view's listeners and cleanups, and `scope.active` turns false once the page is
  // left, so late replies from the engine are dropped instead of drawn on a gone page.
  function mountEach(selector, mount) {
    let unmount = null;
    const run = () => {
      if (unmount) unmount();
      unmount = null;
      const root = document.querySelector(selector);
      if (!root) return;
      const cleanups = [];
      const scope = {
        active: true,
        listen(target, type, handler) {
          target.addEventListener(type, handler);
          cleanups.push(() => target.removeEventListener(type, handler));
        },
        onCleanup(cleanup) {
          cleanups.push(cleanup);
        },
      };
      mount(root, scope);
      unmount = () => {
        scope.active = false;
        for (const cleanup of cleanups) cleanup();
      };
    };
    if (typeof document$ !== "undefined" && document$ && typeof document$.subscribe === "function") {
      document$.subscribe(run);
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", run, { once: true });
    } else {
      run();
    }
  }

  // A component of the site: its settings (the plugin's, as JSON on the root), its status
  // line shown once scripts run, and the engine started and watched for as long as the page
  // is shown. `setup(root, scope, settings)` wires the page and returns `renderStatus(state,
  // error, progress)` and optionally `opened()`, called once the engine has been asked to start.
  function mountComponent(selector, setup) {
    mountEach(selector, (root, scope) => {
      const settings = JSON.parse(root.dataset.sgSettings);
      root.classList.add("sg-js");
      root.querySelector("[data-sg-status]").hidden = false;
      const { renderStatus, opened } = setup(root, scope, settings);
      scope.onCleanup(
        engine.watch((state, error, progress) => {
          root.dataset.engine = state === "idle" ? "loading" : state;
          renderStatus(state, error, progress);
        }),
      );
      engine.start(settings);
      if (opened) opened();
    });
  }

  // ------------------------------------------------------------ share box
  // The browser's own share sheet (Web Share API), offered only where it exists.
  function canShareNatively(url) {
    if (typeof navigator.share !== "function") return false;
    try {
      return typeof navigator.canShare !== "function" || navigator.canShare({ url });
    } catch {
      return false;
    }
  }

  // A result's link with Copy, Share… (given `shareText`, where the browser has a share
  // sheet) and Print. The buttons act through `listenShareActions` on the result's slot.
  function shareBox({ label, url, shareText = null, inputAttributes = {} }) {
    const button = (action, text, extra = {}) =>
      h("button", { type: "button", class: "md-button", "data-sg-action": action, ...extra }, text);
    return h(
      "div",
      { class: "sg-share" },
      h(
        "label",
        { class: "sg-share__label" },
        label,
        h("input", { type: "text", readonly: true, value: url, ...inputAttributes }),
      ),
      h(
        "div",
        { class: "sg-share__buttons" },
        button("copy", "Copy link"),
        shareText !== null && canShareNatively(url)
          ? button("share", "Share…", { "data-sg-share-text": shareText })
          : null,
        button("print", "Print"),
        h("span", { class: "sg-share__copied", "data-sg-copied": "", role: "status" }),
      ),
    );
  }

  async function copyLink(box) {
    const input = box.querySelector("input");
    let copied = false;
    try {
      await navigator.clipboard.writeText(input.value);
      copied = true;
    } catch {
      input.select();
      copied = document.execCommand?.("copy");
    }
    box.querySelector("[data-sg-copied]").textContent = copied ? "Link copied." : "Select the link and copy it.";
  }

  async function shareLink(box, button) {
    const note = box.querySelector("[data-sg-copied]");
    try {
      await navigator.share({
        title: document.title,
        text: button.dataset.sgShareText,
        url: box.querySelector("input").value,
      });
      note.textContent = "";
    } catch (error) {
      // AbortError: the visitor closed the sheet, which needs no message.
      if (error && error.name !== "AbortError") note.textContent = "Sharing did not work here; copy the link instead.";
    }
  }

  // One listener on the slot a result is drawn into serves every share box drawn there.
  function listenShareActions(scope, slot) {
    scope.listen(slot, "click", (event) => {
      const button = event.target.closest("button[data-sg-action]");
      if (!button) return;
      const action = button.dataset.sgAction;
      if (action === "print") window.print();
      else if (action === "copy") copyLink(button.closest(".sg-share"));
      else if (action === "share") shareLink(button.closest(".sg-share"), button);
    });
  }

  Object.defineProperty(stageguide, "ui", {
    enumerable: true,
    value: Object.freeze({
      h,
      svg,
      say,
      hashPart,
      setFragment,
      followFragment,
      ownsFragment,
      mountEach,
      mountComponent,
      shareBox,
      listenShareActions,
    }),
  });
})();
