// Reading the map's data from the API (same origin, the session's cookie).

export async function getJson(url, { signal } = {}) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, signal });
  if (!response.ok) {
    const error = new Error(response.status + " " + url);
    error.status = response.status;
    throw error;
  }
  return response.json();
}

/** `url` with the query parameters `params` (URLSearchParams) and `extra` ({name: value}). */
export function withQuery(url, params, extra = {}) {
  const query = new URLSearchParams(params);
  for (const [name, value] of Object.entries(extra)) {
    if (Array.isArray(value)) {
      query.delete(name);
      value.forEach((one) => query.append(name, one));
    } else if (value !== undefined && value !== null && value !== "") query.set(name, value);
  }
  const text = query.toString();
  return text ? url + (url.includes("?") ? "&" : "?") + text : url;
}
