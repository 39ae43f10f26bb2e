import { describe, expect, it } from "vitest";
import type { FileOutcome, FilesOutcome, ImportOutcome } from "../../ipc";
import { allFailed, failureText, filesSummary, importSummary } from "./summary";

function outcome(over: Partial<ImportOutcome> = {}): ImportOutcome {
  return {
    format: "har",
    imported: 0,
    duplicates: 0,
    skipped: 0,
    deliveries: 0,
    problems: [],
    warned: 0,
    cancelled: false,
    firstId: null,
    endpointsAdded: [],
    secretsToAdd: [],
    ...over,
  };
}

const imported = (file: string, over: Partial<ImportOutcome> = {}): FileOutcome => ({ status: "imported", file, outcome: outcome(over) });
const failed = (file: string, message: string): FileOutcome => ({ status: "failed", file, message });

/** The totals the shell sends, summed from the files as it does. */
function files(list: FileOutcome[], over: Partial<FilesOutcome> = {}): FilesOutcome {
  const sum = (key: "imported" | "duplicates" | "skipped" | "warned") =>
    list.reduce((n, f) => n + (f.status === "imported" ? f.outcome[key] : 0), 0);
  return {
    files: list,
    notStarted: [],
    cancelled: list.some((f) => f.status === "imported" && f.outcome.cancelled),
    imported: sum("imported"),
    duplicates: sum("duplicates"),
    skipped: sum("skipped"),
    warned: sum("warned"),
    firstId: 1,
    endpointsAdded: [],
    secretsToAdd: [],
    ...over,
  };
}

describe("import summary", () => {
  it("words one source's outcome as the core does", () => {
    expect(importSummary(outcome({ imported: 412, skipped: 3, problems: ["entry 17: body is not valid base64"] }))).toBe(
      "412 imported, 3 skipped: entry 17: body is not valid base64 …",
    );
    expect(importSummary(outcome({ imported: 1, duplicates: 2, warned: 1, cancelled: true }))).toBe(
      "1 imported, 2 already imported before (cancelled); 1 with a warning (see the event)",
    );
  });

  it("names the one file imported", () => {
    const notice = filesSummary(files([imported("case.har", { imported: 2, duplicates: 1 })]));
    expect(notice).toEqual({ text: "case.har: 2 imported, 1 already imported before", details: [] });
  });

  it("sums several files up with the first reason an entry was skipped, and lists each file", () => {
    const notice = filesSummary(
      files([
        imported("orders.har", { imported: 300 }),
        imported("case.har", { imported: 100, skipped: 3, problems: ["entry 17: body is not valid base64", "entry 18: no url"] }),
        imported("refunds.har", { imported: 12 }),
      ]),
    );
    expect(notice.text).toBe("3 files: 412 imported, 3 skipped — case.har: entry 17: body is not valid base64");
    expect(notice.details).toEqual([
      "orders.har: 300 imported",
      "case.har: 100 imported, 3 skipped: entry 17: body is not valid base64 …",
      "refunds.har: 12 imported",
    ]);
  });

  it("counts a file that could not be read, and says why once", () => {
    const why = "cannot tell the format of notes.bin: it is not a raw request, a curl command, HAR, a Hooklens bundle or event JSON";
    const notice = filesSummary(files([imported("case.har", { imported: 2 }), failed("notes.bin", why)]));
    expect(notice.text).toBe(`2 files: 2 imported, 1 file not imported — ${why}`);
    expect(notice.details).toEqual(["case.har: 2 imported", `notes.bin: not imported — ${why}`]);
    // A reason that does not name its file gets the name.
    expect(filesSummary(files([failed("gone.har", "Permission denied"), imported("case.har", { imported: 1 })])).text).toBe(
      "2 files: 1 imported, 1 file not imported — gone.har: Permission denied",
    );
  });

  it("says a cancel stopped it and which files were not started", () => {
    const notice = filesSummary(
      files([imported("a.har", { imported: 2 }), imported("b.har", { imported: 1, cancelled: true })], {
        notStarted: ["c.har", "d.har"],
      }),
    );
    expect(notice.text).toBe("4 files: 3 imported (cancelled; 2 files not started)");
    expect(notice.details).toEqual([
      "a.har: 2 imported",
      "b.har: 1 imported (cancelled)",
      "c.har: not started (cancelled)",
      "d.har: not started (cancelled)",
    ]);
  });

  it("adds the warnings and the secrets a bundle needs", () => {
    const notice = filesSummary(
      files([imported("a.ndjson", { imported: 2, warned: 1 }), imported("b.har", { imported: 1 })], {
        secretsToAdd: ["Kustom (/kustom): production"],
      }),
    );
    expect(notice.text).toBe(
      "2 files: 3 imported; 1 with a warning (see the event); add these secrets for the verdicts to hold: Kustom (/kustom): production",
    );
  });

  it("is a failure when no file could be read", () => {
    const why = "cannot tell the format of notes.bin: …";
    expect(allFailed(files([failed("notes.bin", why)]))).toEqual({ files: ["notes.bin"], error: why });
    expect(allFailed(files([failed("notes.bin", why), failed("gone.har", "No such file")]))).toEqual({
      files: ["notes.bin", "gone.har"],
      error: `${why}; gone.har: No such file`,
    });
    expect(allFailed(files([failed("notes.bin", why), imported("case.har", { imported: 1 })]))).toBeNull();
    expect(allFailed(files([imported("case.har", { duplicates: 1 })]))).toBeNull();
    expect(allFailed(files([]))).toBeNull();
  });

  it("names the files of a failure unless the reason does", () => {
    expect(failureText(["other.har"], "an import is already running")).toBe("Could not import other.har: an import is already running");
    expect(failureText(["notes.bin"], "cannot tell the format of notes.bin")).toBe("Could not import: cannot tell the format of notes.bin");
    expect(failureText(["a.har", "b.har"], "an import is already running")).toBe("Could not import 2 files: an import is already running");
    expect(failureText([], "the reader is unavailable")).toBe("Could not import: the reader is unavailable");
  });
});
