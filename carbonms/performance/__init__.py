"""Issue 12: objectives, targets, the park → enterprise → unit cascade, tracking, baselines and their adjustment (T/CSES 6.2, 6.5; T/CPQS 7.1, 7.2; T/CIECCPA 6.2)."""
