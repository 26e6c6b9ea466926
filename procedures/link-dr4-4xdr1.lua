-- An installed 400G DR4 -> 4 x 100G DR1 link with its transceivers (issue 19): one 400GBASE-DR4 module on
-- the MPO-12 APC end of the breakout harness, a 100GBASE-DR module on each LC leg. From the five modules'
-- memories through the station's I2C role:
--   modules        identity and monitors of every module against its own alarm thresholds (DR4: lanes 1-4,
--                  a DR1: its one lane);
--   parts          each module against the link's design (--option near=, far=: transceiver types of
--                  fixtures/cables/, default xcvr-400g-dr4 and xcvr-100g-dr) and each DR1 against the DR4
--                  through the harness (lc_compat_check: fiber mode, lanes, breakout, APC MPO);
--   lane-map       which leg each DR4 lane reaches, and back, by switching one transmitter off at a time
--                  (CMIS page 10h byte 130 / SFF-8636 byte 86; --option settle_ms=, default 500 ms);
--   loss-from-dom  DR4 lane Tx minus DR1 Rx (and DR1 Tx minus DR4 lane Rx) against the harness path's
--                  length-based budget at 1310 nm, the monitors' accuracy as the uncertainty (inconclusive
--                  where the monitors cannot decide; --option dom_accuracy_db= for calibrated modules).
-- BER per lane through the modules is not measured here (docs/procedures.md says why).
local function every_end(ctx)
  for _, e in ipairs(ctx.ends) do
    ctx:module { ["end"] = e, lanes = (e == "A") and (#ctx.ends - 1) or 1 }
  end
end

local function num(ctx, key, dflt)
  local v = ctx:option(key)
  if v == nil then return dflt end
  return tonumber(v) or error("option " .. key .. ": '" .. v .. "' is not a number", 3)
end

return {
  name = "link-dr4-4xdr1",
  version = "1",
  summary = "400G DR4 to 4 x 100G DR1 link with its transceivers: modules, parts, lane map by Tx disable, loss from DOM",
  steps = {
    { name = "modules", main = every_end },
    {
      name = "parts",
      main = function(ctx)
        ctx:link_parts { near = ctx:option("near", "xcvr-400g-dr4"), far = ctx:option("far", "xcvr-100g-dr") }
      end,
    },
    { name = "lane-map", main = function(ctx) ctx:tx_disable_map { settle_ms = num(ctx, "settle_ms", 500) } end },
    { name = "loss-from-dom", main = function(ctx) ctx:dom_loss { wavelength = 1310 } end },
  },
}
