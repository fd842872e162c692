// jsdom lacks a few browser APIs naive-ui touches when it measures layout. (Node-environment
// specs, like the bundle budget, have no window at all.)
const browserLike = typeof window !== 'undefined';
if (browserLike && !window.matchMedia) {
  window.matchMedia = (query) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => undefined,
    removeListener: () => undefined,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    dispatchEvent: () => false,
  });
}
if (browserLike && !window.ResizeObserver) {
  window.ResizeObserver = class {
    observe() {
      // jsdom has no layout: nothing ever resizes.
    }
    unobserve() {
      // see observe()
    }
    disconnect() {
      // see observe()
    }
  };
}
