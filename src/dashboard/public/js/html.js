// One place binds htm to Preact: every page imports `html` and the hooks from here.
import { h, render } from '/ui/vendor/preact.mjs';
import htm from '/ui/vendor/htm.mjs';

export { render };
export { useState, useEffect, useRef, useCallback, useMemo } from '/ui/vendor/hooks.mjs';
export const html = htm.bind(h);
