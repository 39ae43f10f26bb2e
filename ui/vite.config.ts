/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";

/**
 * The modules the first screen needs (everything main.tsx reaches through
 * static imports) go into one chunk. Split the default way, they came in 14
 * scripts and 7 stylesheets, each a request through the shell's custom
 * protocol and a module to link before the first line ran. Merged (two
 * scripts, the second with everything, and one stylesheet), the page went
 * from navigation to its first rows in a median of 242 ms instead of 269
 * over 7 alternated launches on a million events (note of issue 21). What
 * is loaded on first use (components/lazy.tsx) keeps its own chunks.
 */
function firstScreen(): { plugin: Plugin; test: (id: string) => boolean } {
  const imports = new Map<string, readonly string[]>();
  const entries: string[] = [];
  let reached: Set<string> | null = null;
  const plugin: Plugin = {
    name: "hooklens-first-screen",
    buildStart() {
      imports.clear();
      entries.length = 0;
      reached = null;
    },
    moduleParsed(info) {
      imports.set(info.id, info.importedIds);
      if (info.isEntry) entries.push(info.id);
    },
    // A static import of the editor from the first screen would put it back
    // in the first chunk, a third of a megabyte more to parse before the rows.
    generateBundle(_options, bundle) {
      for (const entry of Object.values(bundle)) {
        if (entry.type !== "chunk" || !entry.isEntry) continue;
        for (const name of [entry.fileName, ...entry.imports]) {
          const chunk = bundle[name];
          if (chunk?.type !== "chunk") continue;
          const editor = chunk.moduleIds.find((id) => /[\\/]node_modules[\\/]@codemirror[\\/]/.test(id));
          if (editor) this.error(`the first screen's chunk ${name} includes ${editor}: import it through components/lazy.tsx`);
        }
      }
    },
  };
  const test = (id: string): boolean => {
    if (!reached) {
      const seen = new Set<string>();
      const todo = [...entries];
      for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
        if (seen.has(next)) continue;
        seen.add(next);
        todo.push(...(imports.get(next) ?? []));
      }
      reached = seen;
    }
    return reached.has(id);
  };
  return { plugin, test };
}

const first = firstScreen();

export default defineConfig({
  plugins: [react(), first.plugin],
  // Tauri serves the built files from its own protocol; relative asset URLs
  // keep them working there.
  base: "./",
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK 2.40+ (Debian 12) and WebView2 both handle ES2022.
    target: "es2022",
    sourcemap: false,
    rolldownOptions: {
      output: { codeSplitting: { groups: [{ name: "app", test: first.test }] } },
    },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test-setup.ts"],
    restoreMocks: true,
  },
});
