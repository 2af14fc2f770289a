-- What the previous build's mart.risk_exposure said of each risk, kept before 03d rebuilds it, so
-- `change` can say how much each open risk's exposure moved since then.
CREATE OR REPLACE TABLE meta.risk_exposure_previous AS
SELECT risk_id, exposure, exposure_unit FROM mart.risk_exposure;
