// jsdom has no layout: every element is 0 px tall, so a virtualizer renders
// no rows. Tests of the timeline give its scroller a height, and make
// scrollTo move scrollTop and fire "scroll" the way a browser does.
import { fireEvent } from "@testing-library/react";
import { vi } from "vitest";

export const VIEWPORT_HEIGHT = 640;

/** Call in beforeEach; returns the undo for afterEach (restoreMocks undoes the spy, not scrollTo). */
export function installLayout(height = VIEWPORT_HEIGHT): () => void {
  const isScroller = (el: Element): el is HTMLElement =>
    el instanceof HTMLElement && el.dataset.testid === "timeline-scroller";
  // The scroller's content is as tall as the canvas the virtualizer sizes.
  const contentHeight = (el: HTMLElement) =>
    Math.max(height, parseFloat((el.firstElementChild as HTMLElement | null)?.style.height ?? "") || 0);
  vi.spyOn(Element.prototype, "clientHeight", "get").mockImplementation(function (this: Element) {
    return isScroller(this) ? height : 0;
  });
  vi.spyOn(Element.prototype, "scrollHeight", "get").mockImplementation(function (this: Element) {
    return isScroller(this) ? contentHeight(this) : 0;
  });
  const proto = Element.prototype as { scrollTo?: unknown };
  const had = Object.prototype.hasOwnProperty.call(proto, "scrollTo");
  const previous = proto.scrollTo;
  Object.defineProperty(Element.prototype, "scrollTo", {
    configurable: true,
    writable: true,
    value(this: Element, options?: ScrollToOptions | number, y?: number) {
      const top = typeof options === "object" ? options.top : y;
      if (top === undefined) return;
      this.scrollTop = Math.max(0, Math.min(top, this.scrollHeight - this.clientHeight));
      this.dispatchEvent(new Event("scroll"));
    },
  });
  return () => {
    if (had) Object.defineProperty(Element.prototype, "scrollTo", { configurable: true, writable: true, value: previous });
    else delete proto.scrollTo;
  };
}

/** Scrolls the element the way a wheel would. */
export function scrollTo(element: Element, top: number): void {
  element.scrollTop = top;
  fireEvent.scroll(element);
}
