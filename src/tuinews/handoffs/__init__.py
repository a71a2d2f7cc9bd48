"""Hand-offs: the article given to something else (issue 16). Saved as a Markdown file
(:mod:`.saving`, safe names: :mod:`tuinews.file_names`), handed to a command of the config's
``[commands]`` (:mod:`.commands`, run by :mod:`.running`), and the user told of new
articles (:mod:`.notify`). Headless: the reader and the command line both use them."""
