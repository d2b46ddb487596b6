-- Units for the filter list; run it with Scope.unfiltered(). Grain: one row per unit.
SELECT unit_code, name, peer_group
FROM scoped_units
ORDER BY peer_group, unit_code;
