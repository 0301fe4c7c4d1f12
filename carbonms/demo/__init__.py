"""The demo park: a realistic Chinese industrial park with enterprises, hierarchy and users for every role,
plus a deterministic generator of large parks for benchmarks."""
