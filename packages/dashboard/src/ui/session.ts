/** The key lives in this tab's sessionStorage only: never in a URL, a cookie or storage that outlives the tab. */
const KEY = 'sage.dashboard.key';

export function savedKey(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveKey(key: string | null): void {
  try {
    if (key === null) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, key);
  } catch {
    // storage unavailable: the key stays in memory for this page
  }
}
