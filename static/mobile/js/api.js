/* Reads from the API. Through the service worker these fall back to the last good answer when offline. */

export class SessionExpired extends Error {}
export class Unavailable extends Error {}

export async function getJson(url) {
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  } catch (error) {
    throw new Unavailable(url);
  }
  if (response.status === 401) throw new SessionExpired(url);
  if (!response.ok) throw new Unavailable(url + " " + response.status);
  return {
    data: await response.json(),
    cached: response.headers.get("X-From-Cache") === "1",
    expired: response.headers.get("X-Session-Expired") === "1",
  };
}

/* Lists may come paginated ({results: [...]}) or not. */
export function listOf(data) {
  if (Array.isArray(data)) return data;
  if (data && Array.isArray(data.results)) return data.results;
  if (data && Array.isArray(data.features)) return data.features;
  return [];
}

export async function probeSession(url) {
  try {
    const response = await fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } });
    if (response.status === 401) return { authenticated: false };
    if (!response.ok) return null;
    return await response.json();
  } catch (error) {
    return null; // offline: we cannot tell, and nothing is lost by waiting
  }
}
