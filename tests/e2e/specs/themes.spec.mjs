// Light and dark follow the system theme, and the three panes stay usable at
// the two window sizes people use most. Screenshots of each go to artifacts/.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { check, launchApp } from "../harness.mjs";

/** Relative luminance (0 black … 1 white) of a CSS rgb() colour. */
function luminance(rgb) {
  const [r, g, b] = rgb.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
  const lin = (c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

for (const theme of ["light", "dark"]) {
  describe(`${theme} theme`, () => {
    let app;

    after(async () => {
      await app?.stop();
    });

    it(`follows the system's ${theme} preference and lays out at 1280×800 and 1920×1080`, async () => {
      // GTK tells WebKit the system preference; Adwaita:dark is the dark one.
      app = await launchApp(`themes-${theme}`, { env: theme === "dark" ? { GTK_THEME: "Adwaita:dark" } : {} });
      await check(app, `${theme} theme`, async () => {
        const { browser, listenUrl } = app;
        await browser.$('[data-testid="app-header"]').waitForDisplayed({ timeout: 15_000 });
        for (const n of [1, 2, 3]) {
          const res = await fetch(`${listenUrl}/kustom/orders`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ id: `kevt_${n}`, type: "order.created", data: { amount: n * 1000 } }),
          });
          assert.equal(res.status, 200);
        }
        const row = browser.$('[data-testid="event-row"]');
        await row.waitForDisplayed({ timeout: 10_000 });
        await row.click();
        await browser.$('[data-testid="body-view"]').waitForDisplayed({ timeout: 5_000 });

        const colours = await browser.execute(() => ({
          dark: matchMedia("(prefers-color-scheme: dark)").matches,
          page: getComputedStyle(document.body).backgroundColor,
          text: getComputedStyle(document.body).color,
        }));
        assert.equal(colours.dark, theme === "dark");
        const [page, text] = [luminance(colours.page), luminance(colours.text)];
        if (theme === "dark") assert.ok(page < 0.05 && text > 0.5, JSON.stringify(colours));
        else assert.ok(page > 0.8 && text < 0.05, JSON.stringify(colours));

        for (const [width, height] of [
          [1280, 800],
          [1920, 1080],
        ]) {
          await browser.setWindowRect(0, 0, width, height);
          await browser.waitUntil(async () => (await browser.execute(() => window.innerWidth)) <= width, {
            timeout: 5_000,
          });
          // Every pane is on screen and none is squeezed to nothing.
          const panes = await browser.execute(() =>
            ["sidebar", "timeline", "detail"].map((id) => {
              const r = document.querySelector(`[data-testid="${id}"]`).getBoundingClientRect();
              return { id, left: r.left, right: r.right, width: r.width };
            }),
          );
          const viewport = await browser.execute(() => window.innerWidth);
          for (const p of panes) {
            assert.ok(p.width >= 180 && p.right <= viewport + 1, `${width}×${height}: ${JSON.stringify(p)}`);
          }
          await app.screenshot(`${width}x${height}`);
        }
      });
    });
  });
}

describe("interface font", () => {
  let app;
  const config = mkdtempSync(join(tmpdir(), "hooklens-e2e-gtk-"));

  after(async () => {
    await app?.stop();
    rmSync(config, { recursive: true, force: true });
  });

  it("is the desktop's interface font, and code is in the monospace font", async () => {
    // GTK reads the interface font from settings.ini where no desktop
    // settings daemon says otherwise; the shell names it for the page.
    mkdirSync(join(config, "gtk-3.0"));
    writeFileSync(join(config, "gtk-3.0", "settings.ini"), "[Settings]\ngtk-font-name=DejaVu Serif 11\n");
    app = await launchApp("themes-font", { env: { XDG_CONFIG_HOME: config } });
    await check(app, "interface font", async () => {
      const { browser } = app;
      await browser.$('[data-testid="app-header"]').waitForDisplayed({ timeout: 15_000 });
      const fonts = await browser.execute(() => {
        const code = document.createElement("pre");
        document.body.append(code);
        const mono = getComputedStyle(code).fontFamily;
        code.remove();
        return { body: getComputedStyle(document.body).fontFamily, mono };
      });
      assert.deepEqual(fonts, { body: '"DejaVu Serif", sans-serif', mono: "monospace" });
    });
  });
});
