"""Agent-based simulation of customer-support chats; importing this registers
the `support_dialogue` generator.

- `config`: the generator's parameters and the distributions they declare
- `plan`: the scenario of a chat, drawn first, and the exact statistics it implies
- `world`: the orders, shipments and account of one chat, built for its plan
- `policy`: the rules the support agent decides by
- `agents`: the customer and the agent, speaking in dialogue acts
- `speech`: turns of acts, and which world facts their words state
- `phrases`, `text`: phrase banks, and how facts become words (dates, money, typos)
- `dialogue`: the generator
"""

from synthforge.generate.simulate import dialogue as dialogue
from synthforge.generate.simulate.config import SupportDialogueConfig as SupportDialogueConfig
from synthforge.generate.simulate.dialogue import SupportDialogue as SupportDialogue
from synthforge.generate.simulate.plan import expected_statistics as expected_statistics
