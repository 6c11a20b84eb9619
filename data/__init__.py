"""The bundled dataset, installed as the package ``fastmonet.bundled_data``.

It is a package only so that wheels (and asv's benchmark environments) carry the data; nothing
here is code. `fastmonet.bundled.DATA_DIR` is the one place that resolves this folder.
"""
