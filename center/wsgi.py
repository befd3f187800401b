"""The WSGI entry point gunicorn serves (systemd/center-web.service)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "center.settings")
application = get_wsgi_application()
# Everything loaded so far lives as long as the process: kept out of the collector's full
# passes, which otherwise cost a page 30-100 ms now and then (bench/center_fleet_page.py).
gc.freeze()
