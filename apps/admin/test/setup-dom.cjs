// jsdom lacks a few browser APIs naive-ui touches when it measures layout.
if (!window.matchMedia) {
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
if (!window.ResizeObserver) {
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
