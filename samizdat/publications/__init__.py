"""Print and downloads: magazines and their issues, books and pamphlets, download counts."""
