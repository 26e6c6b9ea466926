-- 400G SR8 breakout: MPO-16 to 8 x LC duplex, multimode. Leg map and polarity at 850 nm, then insertion
-- loss per fiber at 850 nm and 1300 nm (the multimode test wavelengths) against the length-based budget.
local optical = require("optical")

return {
  name = "breakout-sr8-8x50g",
  version = "1",
  summary = "400G SR8 MPO-16 to 8 x LC duplex breakout: leg map and polarity, IL per fiber at 850/1300 nm",
  steps = {
    {
      name = "fiber-map",
      main = function(ctx) ctx:fiber_map { wavelength = 850 } end,
    },
    {
      name = "insertion-loss",
      main = function(ctx) optical.insertion_loss(ctx, { 850, 1300 }, false) end,
    },
  },
}
