/* Positions and distances: the device position (navigator.geolocation) and where a hotspot is. */

const EARTH_RADIUS_M = 6371008.8;

export function distanceM(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/* A point that stands for a hotspot: the point itself, or the mean of an outline's outer ring. */
export function anchorOf(geometry) {
  if (!geometry) return null;
  if (geometry.type === "Point") return { lon: geometry.coordinates[0], lat: geometry.coordinates[1] };
  let ring = null;
  if (geometry.type === "Polygon") ring = geometry.coordinates[0];
  else if (geometry.type === "MultiPolygon") ring = geometry.coordinates[0][0];
  else if (geometry.type === "LineString") ring = geometry.coordinates;
  if (!ring || !ring.length) return null;
  const points = ring.length > 1 ? ring.slice(0, -1) : ring;
  const sum = points.reduce((acc, [lon, lat]) => ({ lon: acc.lon + lon, lat: acc.lat + lat }), { lon: 0, lat: 0 });
  return { lon: sum.lon / points.length, lat: sum.lat / points.length };
}

export function fromPosition(position) {
  return {
    lon: position.coords.longitude,
    lat: position.coords.latitude,
    accuracy: position.coords.accuracy,
    at: new Date(position.timestamp || Date.now()).toISOString(),
  };
}

/* Why a position is missing, as a key of the app's strings. */
export function reasonOf(error) {
  if (!error) return "positionUnavailable";
  if (error.code === 1) return "positionDenied";
  if (error.code === 3) return "positionTimeout";
  return "positionUnavailable";
}

export function currentPosition({ timeout = 15000, maximumAge = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) {
      reject({ code: 2, message: "no geolocation" });
      return;
    }
    navigator.geolocation.getCurrentPosition((position) => resolve(fromPosition(position)), reject, {
      enableHighAccuracy: true,
      timeout,
      maximumAge,
    });
  });
}

export function watchPosition(onPosition, onError) {
  if (!navigator.geolocation) {
    onError({ code: 2, message: "no geolocation" });
    return () => {};
  }
  const id = navigator.geolocation.watchPosition((position) => onPosition(fromPosition(position)), onError, {
    enableHighAccuracy: true,
    maximumAge: 15000,
    timeout: 30000,
  });
  return () => navigator.geolocation.clearWatch(id);
}
