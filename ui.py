"""The browser chat: ``python ui.py [--host H] [--port P] [--insecure]``, the same as ``rag ui``.

Opens a Gradio page on http://127.0.0.1:7860 with the chat (answers cite their sources,
shown beside it), the documents (upload, ingest, remove) and the settings. The page itself
lives in the package, :mod:`rag.ui`, so an installed ``rag-cite`` serves it too.
"""

import sys

from rag.cli import main

if __name__ == "__main__":
    sys.exit(main(["ui", *sys.argv[1:]]))
