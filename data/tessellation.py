"""Cutting a polygon into cells around seed points, and making a nested set of cells exact.

Used by data/areas.py to generate synthetic streets, communities and grids. Pure shapely/numpy.
Lengths are kilometres in a local equirectangular projection (LocalProjection), where Voronoi
cells are not stretched east-west as they would be in degrees.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry.base import BaseGeometry

KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON_EQUATOR = 111.320

# relative population/seed density at a point (x_km, y_km arrays) -> positive array
DensityFn = Callable[[np.ndarray, np.ndarray], np.ndarray]


class LocalProjection:
    """Equirectangular projection about a reference latitude: exact affine, so it round-trips."""

    def __init__(self, lat0_deg: float, lon0_deg: float):
        self.lat0, self.lon0 = lat0_deg, lon0_deg
        self.km_per_deg_lon = KM_PER_DEG_LON_EQUATOR * np.cos(np.radians(lat0_deg))

    def xy_km(self, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (np.asarray(lon) - self.lon0) * self.km_per_deg_lon, (np.asarray(lat) - self.lat0) * KM_PER_DEG_LAT

    def to_km(self, geom):
        return shapely.transform(geom, lambda xy: np.column_stack(self.xy_km(xy[:, 1], xy[:, 0])))

    def to_deg(self, geom):
        return shapely.transform(geom, lambda xy: np.column_stack([
            xy[:, 0] / self.km_per_deg_lon + self.lon0, xy[:, 1] / KM_PER_DEG_LAT + self.lat0]))


def random_points_inside(zone: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """n points uniformly distributed strictly inside zone (boundary excluded), shape (n, 2)."""
    if n <= 0:
        return np.empty((0, 2))
    min_x, min_y, max_x, max_y = zone.bounds
    shapely.prepare(zone)
    fill_ratio = max(zone.area / max((max_x - min_x) * (max_y - min_y), 1e-300), 1e-3)
    found: list[np.ndarray] = []
    count = 0
    while count < n:
        batch = int((n - count) / fill_ratio * 1.3) + 8
        xy = np.column_stack([rng.uniform(min_x, max_x, batch), rng.uniform(min_y, max_y, batch)])
        xy = xy[shapely.contains_xy(zone, xy[:, 0], xy[:, 1])]
        found.append(xy)
        count += len(xy)
    return np.concatenate(found)[:n]


def place_seeds(zone: BaseGeometry, n: int, rng: np.random.Generator,
                existing: np.ndarray | None = None, density: DensityFn | None = None,
                candidates: int = 16) -> np.ndarray:
    """n new seed points inside zone, spread out (Mitchell's best candidate), shape (n, 2).

    Each new seed is the candidate with the largest distance to the seeds so far times
    sqrt(density): spacing shrinks like 1/sqrt(density), so seeds (and cells) are denser where the
    density is high, without the clumps and slivers of plain random points. `existing` seeds are
    kept away from but not returned.
    """
    placed = np.empty((0, 2)) if existing is None else np.asarray(existing, dtype=float).reshape(-1, 2)
    new: list[np.ndarray] = []
    pool = random_points_inside(zone, n * candidates, rng).reshape(n, candidates, 2)
    for k in range(n):
        cand = pool[k]
        if len(placed) == 0:
            best = cand[0]
        else:
            gap = np.sqrt(((cand[:, None, :] - placed[None, :, :]) ** 2).sum(-1)).min(axis=1)
            weight = np.ones(len(cand)) if density is None else np.sqrt(density(cand[:, 0], cand[:, 1]))
            best = cand[int(np.argmax(gap * weight))]
        new.append(best)
        placed = np.vstack([placed, best])
    return np.array(new).reshape(-1, 2)


def voronoi_cells(parent: BaseGeometry, seeds: np.ndarray) -> list[BaseGeometry]:
    """One cell per seed (in seed order); the cells tile parent without gaps or overlaps."""
    if len(seeds) == 1:
        return [parent]
    diagram = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=parent, ordered=True)
    return one_piece_cells(list(shapely.intersection(np.array(diagram.geoms), parent)), seeds)


def one_piece_cells(cells: list[BaseGeometry], seeds: np.ndarray) -> list[BaseGeometry]:
    """Re-home the stray pieces of cells that fell apart, keeping the union of the cells.

    Voronoi cells clipped to a non-convex parent can fall apart into pieces; every piece that does
    not hold its cell's seed goes to the neighbouring cell it shares the longest border with, so a
    cell is one piece wherever the parent's shape allows.
    """
    main: list[BaseGeometry] = []
    orphans: list[BaseGeometry] = []
    for cell, seed in zip(cells, shapely.points(seeds)):
        parts = [p for p in shapely.get_parts(cell) if p.geom_type == "Polygon" and p.area > 0]
        holding = [p for p in parts if p.intersects(seed)]
        keep = holding[0] if holding else max(parts, key=lambda p: p.area)
        main.append(keep)
        orphans.extend(p for p in parts if p is not keep)
    pieces: list[list[BaseGeometry]] = [[m] for m in main]
    pending = orphans
    while pending:
        still = []
        current = np.array([shapely.union_all(p) for p in pieces], dtype=object)
        for orphan in pending:
            shared = shapely.length(shapely.intersection(shapely.boundary(current), orphan.boundary))
            if shared.max() > 0:
                pieces[int(np.argmax(shared))].append(orphan)
            else:
                still.append(orphan)
        if len(still) == len(pending):  # touches no cell along a line (an island): nearest cell
            for orphan in still:
                pieces[int(np.argmin(shapely.distance(current, orphan)))].append(orphan)
            still = []
        pending = still
    return [shapely.union_all(p) if len(p) > 1 else p[0] for p in pieces]


def irregular_zone(parent: BaseGeometry, centre: np.ndarray, radius_km: float,
                   rng: np.random.Generator, cells_per_zone: int = 40) -> BaseGeometry:
    """The part of parent roughly within radius_km of centre, with a ragged polygonal edge.

    A union of small Voronoi cells whose seeds lie within radius_km: a town's built-up area
    looks like this on a map, a clipped circle does not. One piece, holding centre.
    """
    around = parent.intersection(shapely.Point(centre).buffer(2 * radius_km, quad_segs=16))
    seeds = np.vstack([centre[None, :], place_seeds(around, 4 * cells_per_zone - 1, rng, existing=centre[None, :])])
    cells = voronoi_cells(around, seeds)
    inside = np.hypot(*(seeds - centre).T) < radius_km
    zone = shapely.union_all([c for c, keep in zip(cells, inside) if keep])
    # one connected piece: the one holding centre
    return next(p for p in shapely.get_parts(zone) if p.intersects(shapely.Point(centre)))


def allocate(total: int, weights: Sequence[float], minimum: int = 0) -> np.ndarray:
    """Split an integer total in proportion to weights (largest remainder), each at least minimum."""
    weights = np.asarray(weights, dtype=float)
    n = len(weights)
    if minimum * n > total:
        raise ValueError(f"cannot give {n} parts at least {minimum} out of {total}")
    spare = total - minimum * n
    share = spare * weights / weights.sum() if weights.sum() > 0 else np.full(n, spare / n)
    out = np.floor(share).astype(int)
    remainder_order = np.argsort(-(share - out), kind="stable")
    out[remainder_order[: spare - out.sum()]] += 1
    return out + minimum


def exact_nested_coverage(leaves: Sequence[BaseGeometry], grid_size: float
                          ) -> tuple[list[BaseGeometry], list[np.ndarray]]:
    """Snap a tiling to a precision grid so that shared borders stay exactly shared.

    Returns (faces, face_ids_per_leaf): the leaves' boundaries are noded together on the grid
    (snap-rounding) and polygonised into faces; each leaf is the union of its faces. Any union of
    leaves built from the same faces (a parent = its children) then has exactly the children's
    borders: no gaps, no overlaps, child inside parent - which independent rounding of each
    polygon would break by up to half a grid cell times the border length.
    """
    leaves_arr = np.array(leaves, dtype=object)
    lines = shapely.union_all(shapely.boundary(leaves_arr), grid_size=grid_size)
    faces = np.array(shapely.get_parts(shapely.polygonize(shapely.get_parts(lines))), dtype=object)
    faces = faces[shapely.area(faces) > 0]
    tree = STRtree(leaves_arr)
    inner = shapely.point_on_surface(faces)
    face_idx, leaf_idx = tree.query(inner, predicate="within")
    owner = np.full(len(faces), -1)
    owner[face_idx] = leaf_idx  # a point can lie in two leaves only on float noise: either is fine
    for f in np.flatnonzero(owner < 0):  # a face on a sliver between leaves: nearest leaf
        owner[f] = int(tree.query_nearest(inner[f])[0])
    return list(faces), [np.flatnonzero(owner == i) for i in range(len(leaves_arr))]


def union_faces(faces: Sequence[BaseGeometry], face_ids: np.ndarray) -> BaseGeometry:
    """Union of faces from exact_nested_coverage (they share borders exactly: a coverage union)."""
    parts = np.array([faces[i] for i in face_ids], dtype=object)
    merged = shapely.coverage_union_all(parts) if len(parts) > 1 else parts[0]
    if merged.geom_type == "MultiPolygon" and len(merged.geoms) == 1:
        return merged.geoms[0]
    return merged
