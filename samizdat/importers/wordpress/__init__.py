"""Moving in from WordPress: read a WXR export as a stream, convert bodies, import into the outlet.

- `wxr`      streams the export (lxml iterparse) into plain records: site, authors, terms, items
- `content`  turns a post body (classic HTML or block markup) into StreamField blocks, sanitized
- `media`    finds an attachment's file (local uploads copy or base URL) and stores it
- `importer` maps the records onto the outlet's models, idempotently, with a summary
"""
