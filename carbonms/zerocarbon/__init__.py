"""Issue 14: the park's zero-carbon energy and infrastructure plan, renewable instruments, the zero-carbon park indicators and the technology positive list (T/CSES 6.3.3, 6.3.4)."""
