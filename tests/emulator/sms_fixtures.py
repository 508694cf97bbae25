"""Published PDUs the emulator must accept or produce byte for byte (sources in each comment)."""

from typing import Final

# Whole PDUs as typed after the prompt (SCA octet 00 first).
# faucamp/python-gsmmodem test/test_pdu.py: "Hello World!" to +27820001111, no validity period.
HELLO_WORLD_PDU: Final = "0001000B917228001011F100000CC8329BFD065DDF72363904"

# ModemManager src/tests/test-sms-part-3gpp.c, test_create_pdu_ucs2_no_smsc (5 minutes validity).
UCS2_PDU: Final = (
    "0011000B915155551532F40008003A041404300020043704340440043004320441044204320443043504420020"
    "043A043E0440043E043B044C002C0020043404350442043A04300021"
)
UCS2_TEXT: Final = "Да здравствует король, детка!"

# python-gsmmodem test_encodeSmsSubmit_concatenated: three GSM-7 parts, 8-bit reference 0.
LOREM: Final = (
    "Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor incididunt "
    "ut labore et dolore magna aliqua.Ut enim ad minim veniam, quinostrud exercitation ullamco "
    "laboris nisi ut aliquip ex ea commodo consequat.Duis aute irure dolor in reprehenderit in "
    "voluptate velit esse cillum doloe eu fugiat nulla pariatur.Excepteur sint occaecat "
    "cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum"
)
LOREM_PDUS: Final = (
    "0045000B915121551532F40000A0050003000301986F79B90D4AC3E7F53688FC66BFE5A0799A0E0AB7CB7416"
    "68FC76CFCB637A995E9783C2E4343C3D4F8FD3EE33A8CC4ED359A079990C22BF41E5747DDE7E9341F4721BFE"
    "9683D2EE719A9C26D7DD74509D0E6287C56F791954A683C86FF65B5E06B5C36777181466A7E3F5B0AB4A0795"
    "DDE936284C06B5D3EE741B642FBBD3E1360B14AFA7DD",
    "0045000B915121551532F40000A0050003000302DE73BABC4E0695F165F9384D0FD3D36F37A8CE6687DBE337"
    "881D16BFE5E939C89D9EA741753A28CC4EC7EB6938A88C0795C3A0F1BBDD7E93DFA0F1DB3D2FC7EB61BA8B58"
    "4FCF41E13ABD0C4ACBEBF23288FC66BFE5A0B41B242FC3E56574D94D2ECBD37450DA0DB2BFD975383D4C2F83"
    "EC65769A0E2ACFE765D038CD66D7DB20F29BFD2E83CA",
    "0045000B915121551532F400008C050003000303EA2073FD9C0ED341EE3A9B1D06C1C3F274985E97BB8AF871"
    "194E2FD7E5A079DA4D07BDC7E370791CA683C675789A1CA687E920F7DB0D82CBDF6972D94D6781E675371D94"
    "7683C675363C0C8AD7D3A0B7D99C1EA7C32072795E96D7DD7450FBCD66A7E9A0B03BDD06A5C9A0F29C0E6287"
    "C56F79BD0D",
)

# The dreamfabric.com "SMS PDU format" SMS-DELIVER, "hellohello" sent 99/03/29 15:16:59 +02:00;
# its sender type is C8 there, 91 (international) when the network delivers "+27838890001".
HELLOHELLO_TPDU: Final = "040B917238880900F10000993092516195800AE8329BFD4697D9EC37"
NETWORK_SCA: Final = "0791947101670000"
"""The emulated network's service centre +491710760000, as the SCA that opens a listed PDU."""
