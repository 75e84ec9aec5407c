// Browser tests' shared setup: Debian's Chromium driven by playwright-core (never a downloaded
// browser), a watcher that collects console errors (CSP violations included), and screenshots.
import { execSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { BUILT_WEB_ROOT } from "./http-server.js";

const CHROMIUM_PATH = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
export const SCREENSHOTS_DIR = path.resolve("test-results/screenshots");

/** Launches Chromium, building the web app first when a bare `vitest run test/browser` has not. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium package (apt-get install chromium).`);
  if (!existsSync(path.join(BUILT_WEB_ROOT, "index.html"))) execSync("npx vite build", { stdio: "inherit" });
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export async function saveScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  const fullPage = options.fullPage ?? true;
  // From the top, so sticky panels are photographed where a reader first sees them.
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}.png`), fullPage });
}

/** Collects console errors and uncaught exceptions of every watched page, and photographs them on failure. */
export function createPageWatcher() {
  const errors: string[] = [];
  const pages = new Map<string, Page>();
  return {
    errors,
    watch(page: Page, who: string) {
      pages.set(who, page);
      page.on("console", (message) => {
        if (message.type() !== "error") return;
        // Loading a page without a session: the app's cookie refresh is refused (401) by design.
        if (message.location().url.endsWith("/api/v1/auth/refresh") && message.text().includes("401")) return;
        errors.push(`${who} console: ${message.text()} (${message.location().url})`);
      });
      page.on("pageerror", (error) => errors.push(`${who} page error: ${error.message}`));
    },
    async photographAll(prefix: string) {
      for (const [who, page] of pages) await saveScreenshot(page, `${prefix}${who}`).catch(() => {});
    },
  };
}
