// Firefox for the cross-engine browser tests: puppeteer-core drives Firefox ESR through
// its built-in WebDriver BiDi (no geckodriver), and Python talks to this process in
// JSON lines, one request and one reply each:
//   {"id", "op", "args": [...]}  ->  {"id", "ok": true, "value": ...} | {"id", "ok": false, "error": "..."}
// Ops: launch(executable, prefs), newPage(preloadScript), goto, evaluate(expression),
// click, fill, press, viewport, closePage, quit. Each page lives in its own browser
// context (a Firefox container: its own storage, caches and service workers).
import readline from "node:readline";
import puppeteer from "puppeteer-core";

let browser = null;
const pages = new Map(); // id -> { page, context }
let nextPage = 1;
const TIMEOUT_MS = 120_000;

function page(id) {
  const entry = pages.get(id);
  if (!entry) throw new Error(`no page ${id}`);
  return entry.page;
}

const ops = {
  async launch(executablePath, prefs) {
    browser = await puppeteer.launch({
      browser: "firefox",
      executablePath,
      headless: true,
      extraPrefsFirefox: prefs,
      protocolTimeout: TIMEOUT_MS,
      defaultViewport: { width: 1280, height: 900 }, // as the other engines; puppeteer's 800x600 shows the phone layout
      args: ["--width=1280", "--height=900"],
    });
    return await browser.version();
  },
  async newPage(preload) {
    const context = await browser.createBrowserContext();
    const created = await context.newPage();
    created.setDefaultTimeout(TIMEOUT_MS);
    if (preload) await created.evaluateOnNewDocument(preload);
    const id = nextPage++;
    pages.set(id, { page: created, context });
    return id;
  },
  async goto(id, url) {
    await page(id).goto(url, { waitUntil: "load" });
    return null;
  },
  async evaluate(id, expression) {
    // A string is evaluated as an expression by the browser itself, outside the page's CSP.
    const value = await page(id).evaluate(expression);
    return value === undefined ? null : value;
  },
  async click(id, selector) {
    // Centre it first: scrolled only to the edge, it can sit under the quiz's sticky action bar,
    // and puppeteer (unlike Playwright) clicks whatever is on top at that point.
    await page(id).$eval(selector, (element) => element.scrollIntoView({ block: "center" }));
    await page(id).locator(selector).click();
    return null;
  },
  async fill(id, selector, text) {
    await page(id).locator(selector).fill(text);
    return null;
  },
  async press(id, selector, key) {
    await page(id).focus(selector);
    await page(id).keyboard.press(key === "Space" ? " " : key);
    return null;
  },
  async viewport(id, width, height) {
    await page(id).setViewport({ width, height });
    return null;
  },
  async closePage(id) {
    const entry = pages.get(id);
    pages.delete(id);
    if (entry) await entry.context.close();
    return null;
  },
  async quit() {
    if (browser) await browser.close();
    browser = null;
    return null;
  },
};

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  let id = null;
  try {
    const request = JSON.parse(line);
    id = request.id;
    const op = ops[request.op];
    if (!op) throw new Error(`unknown op ${request.op}`);
    const value = await op(...(request.args ?? []));
    process.stdout.write(`${JSON.stringify({ id, ok: true, value })}\n`);
    if (request.op === "quit") break;
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ id, ok: false, error: String(error?.message ?? error) })}\n`);
  }
}
if (browser) await browser.close();
