"""What-if analysis: lose failure domains, see which data dies (N-1, N-2, minimal cut sets)."""
