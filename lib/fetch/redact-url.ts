/** redactUrl: URLs as they may appear in messages, logs and progress events. */

/** redactUrl drops credentials, query and fragment from a URL for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString();
  } catch {
    return '<invalid URL>';
  }
}
