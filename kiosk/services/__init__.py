"""Domain services: plain Python, no Kivy, no paho. The UI and telemetry call into them."""
