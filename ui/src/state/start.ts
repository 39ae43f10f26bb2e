// The first thing the bundle runs (main.tsx imports it before React): the
// first screen's requests go out before React DOM's modules are evaluated,
// so the core reads the first page meanwhile.
import { askEarly } from "./early";

/** Settles when the first page is answered, failed or not. */
export const firstPageAnswered = askEarly();
