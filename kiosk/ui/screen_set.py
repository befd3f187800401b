"""Which screens this terminal has: every terminal has home, help, the slip and the notice
board; the queue, the guide and the locker add theirs only when configured; the demo adds
the simulator panel."""

from __future__ import annotations

from kivy.uix.screenmanager import ScreenManager

from kiosk.ui.screens.door import DoorScreen
from kiosk.ui.screens.dropoff import DropoffScreen
from kiosk.ui.screens.dropoff_receipt import DropoffReceiptScreen
from kiosk.ui.screens.guide import GuideScreen
from kiosk.ui.screens.guide_groups import GuideGroupsScreen
from kiosk.ui.screens.guide_item import GuideItemScreen
from kiosk.ui.screens.guide_list import GuideListScreen
from kiosk.ui.screens.guide_search import GuideSearchScreen
from kiosk.ui.screens.help import HelpScreen
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.screens.pickup import PickupScreen
from kiosk.ui.screens.proxy import ProxyScreen
from kiosk.ui.screens.queue import QueueScreen
from kiosk.ui.screens.rating import RatingScreen
from kiosk.ui.screens.signage import SignageScreen
from kiosk.ui.screens.simulator_panel import SimulatorPanelScreen
from kiosk.ui.screens.slip import SlipScreen
from kiosk.ui.screens.staff_compartments import StaffCompartmentsScreen
from kiosk.ui.screens.staff_deposit import StaffDepositScreen
from kiosk.ui.screens.staff_menu import StaffMenuScreen
from kiosk.ui.screens.staff_retrieve import StaffRetrieveScreen
from kiosk.ui.screens.staff_sign_in import StaffSignInScreen
from kiosk.ui.screens.ticket import TicketScreen
from kiosk.ui.services import TerminalServices


def add_screens(screens: ScreenManager, services: TerminalServices) -> None:
    station = services.config.station
    # Both follow the staffed hours in force (services.settings) themselves.
    screens.add_widget(HomeScreen(station_name=station.name, address=station.address,
                                  hotline=station.hotline))
    screens.add_widget(HelpScreen(hotline=station.hotline))
    screens.add_widget(SlipScreen())
    screens.add_widget(SignageScreen())
    screens.add_widget(RatingScreen())     # 好差评, after any service that ends here
    if services.queue is not None:
        screens.add_widget(QueueScreen())
        screens.add_widget(TicketScreen())
    if services.guide is not None:
        for guide in (GuideScreen(), GuideGroupsScreen(), GuideListScreen(),
                      GuideSearchScreen(), GuideItemScreen()):
            screens.add_widget(guide)
    if services.locker is not None:
        for locker in (PickupScreen(), ProxyScreen(), DoorScreen(), DropoffScreen(),
                       DropoffReceiptScreen(), StaffSignInScreen(), StaffMenuScreen(),
                       StaffDepositScreen(), StaffRetrieveScreen(), StaffCompartmentsScreen()):
            screens.add_widget(locker)
    if services.demo is not None:
        screens.add_widget(SimulatorPanelScreen(control=services.demo.control))
