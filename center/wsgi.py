"""The WSGI entry point gunicorn serves (systemd/center-web.service)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "center.settings")
application = get_wsgi_application()
