"""Studies at scale: batch manifests, batch progress, research exports and the study report."""
