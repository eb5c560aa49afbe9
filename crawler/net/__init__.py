"""The network edge: which addresses may be reached, name resolution, connections and per-body
deadlines, robots.txt, what a response really is, and a failure's outcome for the dataset."""
