// The current hash route, re-rendered on every hashchange.
import { useEffect, useState } from './html.js';
import { parseHash } from './router.js';

export function useRoute() {
  const [route, setRoute] = useState(parseHash());
  useEffect(() => {
    const onChange = () => setRoute(parseHash());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
