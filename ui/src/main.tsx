import { firstPageAnswered } from "./state/start";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import "./styles.css";

/**
 * How long the first render waits for the first page of rows. Rendered
 * before it arrives, the window paints an empty shell and then paints again
 * with the rows; a core still opening a large store is not waited for.
 */
const EARLY_WAIT_MS = 150;

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
await Promise.race([firstPageAnswered, new Promise((resolve) => window.setTimeout(resolve, EARLY_WAIT_MS))]);
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
