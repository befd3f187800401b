from django import template

from center.alarms.kinds import kind_name

register = template.Library()
register.filter("alarm_kind", kind_name)
