"""Turning results into outputs: files, figures, LaTeX, the claims and their verdicts, the HTML site."""
