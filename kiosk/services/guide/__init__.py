"""The service guide (办事指南): the catalog of government service items and finding them."""
