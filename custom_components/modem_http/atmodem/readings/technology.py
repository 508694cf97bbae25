"""The radio access technology a modem is on, and how 27.007 <AcT> numbers map to it.

`AT+COPS?` and the registration commands carry an <AcT> (3GPP TS 27.007 section 7.3):
0 GSM, 1 GSM Compact, 2 UTRAN, 3 GSM w/EGPRS, 4 UTRAN w/HSDPA, 5 UTRAN w/HSUPA, 6 UTRAN w/HSDPA
and HSUPA, 7 E-UTRAN, 8 EC-GSM-IoT, 9 E-UTRAN (NB-S1 mode), 10 E-UTRA connected to a 5GCN,
11 NR connected to a 5GCN, 12 NG-RAN, 13 E-UTRA-NR dual connectivity. Families do not all
follow it: Quectel's LPWA modules (BG96, BG95, BG77) print 8 for LTE Cat-M1 (BG96 AT commands
manual, AT+COPS <AcT>: 0 GSM, 8 eMTC, 9 NB-IoT), SIMCom's SIM7000/SIM7080 print 7 for it (SIM7000
manual, "7 User-specified LTE M1"), which 27.007 cannot tell from LTE. So the family chooses the
table, and a number no table knows is reported as unknown rather than guessed.
"""

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final


class Technology(StrEnum):
    """What a dashboard shows as the network type."""

    GSM = "gsm"
    UMTS = "umts"
    LTE = "lte"
    LTE_M = "lte_m"
    NB_IOT = "nb_iot"
    NR5G_NSA = "nr5g_nsa"
    """LTE anchor with an NR secondary leg (EN-DC)."""
    NR5G_SA = "nr5g_sa"


ACT_3GPP: Final[Mapping[int, Technology]] = MappingProxyType(
    {
        0: Technology.GSM,
        1: Technology.GSM,
        2: Technology.UMTS,
        3: Technology.GSM,
        4: Technology.UMTS,
        5: Technology.UMTS,
        6: Technology.UMTS,
        7: Technology.LTE,
        8: Technology.GSM,
        9: Technology.NB_IOT,
        10: Technology.LTE,
        11: Technology.NR5G_SA,
        12: Technology.NR5G_SA,
        13: Technology.NR5G_NSA,
    }
)
"""27.007 as written (SIMCom, Quectel EC2x/EG2x/RM5xx)."""

ACT_LTE_M_AS_8: Final[Mapping[int, Technology]] = MappingProxyType(
    {**ACT_3GPP, 8: Technology.LTE_M}
)
"""Quectel LPWA modules (BG96, BG95, BG77): 8 is LTE Cat-M1, not EC-GSM-IoT."""


def technology_from_act(
    act: int | None, table: Mapping[int, Technology] = ACT_3GPP
) -> Technology | None:
    """The technology an <AcT> stands for in the family's table; None when unknown or absent."""
    return None if act is None else table.get(act)
